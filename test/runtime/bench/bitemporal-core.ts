// Micro-benchmark of the bi-temporal core: single thread, events already mapped (no JSON), each
// phase timed in CPU seconds (the machines are shared; wall time swings with the neighbours),
// best of a few interleaved rounds.
//   npx tsx test/runtime/bench/bitemporal-core.ts [events=1000000] [keys=100000] [corrections=0.1] [rounds=3]
// Ratios are against two baselines run in the same process: one Map get+set per event
// (FIELD-NOTES: 1.5-1.8 M/s on these machines), and the floor of any keyed history: the Map
// lookup plus keeping the event's row in per-key arrays.
// SKIP_TABLE=1 skips the in-memory table; DEDUP_WINDOW=n sets rule 4's memory per key.
import { ApplyResult, BitemporalKeyState, BitemporalTable, OPEN, payloadKeyOf, type BitemporalEvent } from '../../../runtime/bitemporal/index.ts';
import { rng } from './trades.ts';

interface Payload {
  price: number;
  qty: number;
  venue: string;
  trader: string;
}

interface Keyed {
  key: string;
  event: BitemporalEvent<Payload>;
}

const DAY = 86_400_000;
const stateOptions = { dedupWindow: Number(process.env["DEDUP_WINDOW"] ?? 32) };

/**
 * Per key a stream of updates (a new value from a later valid time, open-ended), with a share
 * of corrections (a closed interval in the key's past), 1% redeliveries of a recent event and
 * 0.5% producer clocks behind (raised by rule 5). System time advances 1 ms per event.
 */
export function generateEvents(n: number, keys: number, corrections: number, each: (key: string, event: BitemporalEvent<Payload>) => void): void {
  const random = rng(42);
  const base = Date.UTC(2024, 0, 1);
  const lastValid = new Float64Array(keys).fill(base);
  const keyNames = Array.from({ length: keys }, (_, k) => `ISIN${String(k).padStart(8, '0')}`);
  const venues = ['XLON', 'XPAR', 'XETR', 'XAMS'];
  const recent: Keyed[] = [];
  for (let i = 0; i < n; i++) {
    if (recent.length > 0 && random() < 0.01) {
      const again = recent[Math.floor(random() * recent.length)]!;
      each(again.key, again.event);
      continue;
    }
    const k = Math.floor(random() * keys);
    const payload: Payload = {
      price: Math.round(random() * 1_000_000) / 100,
      qty: Math.floor(random() * 1000),
      venue: venues[Math.floor(random() * venues.length)]!,
      trader: `T${Math.floor(random() * 500)}`,
    };
    const payloadKey = payloadKeyOf([payload.price, payload.qty, payload.venue, payload.trader]);
    let systemTime = base + 1000 * DAY + i;
    if (random() < 0.005) systemTime -= 5000;
    let validFrom: number;
    let validTo: number;
    if (random() < corrections && lastValid[k]! > base) {
      validFrom = base + Math.floor(random() * (lastValid[k]! - base));
      validTo = validFrom + DAY * (1 + Math.floor(random() * 10));
    } else {
      validFrom = lastValid[k]! + DAY * (1 + Math.floor(random() * 3));
      validTo = OPEN;
      lastValid[k] = validFrom;
    }
    const event: BitemporalEvent<Payload> = { op: 'put', validFrom, validTo, systemTime, payload, payloadKey };
    const key = keyNames[k]!;
    if (recent.length < 50) recent.push({ key, event });
    else recent[i % 50] = { key, event };
    each(key, event);
  }
}

function main(): void {
  const [n = 1_000_000, keys = 100_000, corrections = 0.1, rounds = 3] = process.argv.slice(2).map(Number);
  console.log(
    `${n} events over ${keys} keys, ${corrections * 100}% corrections, 1% redeliveries, 0.5% late system times; ` +
      `best CPU time of ${rounds} interleaved rounds`,
  );
  const newState = (): BitemporalKeyState<Payload> => new BitemporalKeyState<Payload>(stateOptions);
  const events: Keyed[] = [];
  generateEvents(n, keys, corrections, (key, event) => events.push({ key, event }));

  // Each phase builds fresh structures; rounds interleave so that a noisy neighbour hurts all.
  const phases: { label: string; run: (events: readonly Keyed[]) => void }[] = [
    {
      label: 'baseline: Map get+set',
      run: (events) => {
        const counts = new Map<string, number>();
        for (const { key } of events) counts.set(key, (counts.get(key) ?? 0) + 1);
      },
    },
    {
      // The least any keyed history does: find the key's state and keep the event's row in it.
      label: 'floor: Map + keep the row per key',
      run: (events) => {
        const kept = new Map<string, { times: number[]; payloads: Payload[] }>();
        for (const { key, event } of events) {
          let s = kept.get(key);
          if (s === undefined) kept.set(key, (s = { times: [], payloads: [] }));
          s.times.push(event.validFrom, event.validTo, event.systemTime);
          if (event.op === 'put') s.payloads.push(event.payload);
        }
      },
    },
    {
      label: 'core: Map + BitemporalKeyState',
      run: (events) => {
        const states = new Map<string, BitemporalKeyState<Payload>>();
        const out = new ApplyResult<Payload>();
        for (const { key, event } of events) {
          let s = states.get(key);
          if (s === undefined) states.set(key, (s = newState()));
          s.apply(event, out);
        }
      },
    },
  ];
  if (process.env['SKIP_TABLE'] === undefined) {
    phases.push({
      label: 'table: core + in-memory sink',
      run: (events) => {
        const table = new BitemporalTable<Payload>(stateOptions);
        for (const { key, event } of events) table.apply(key, event);
      },
    });
  }
  // Warm up the JIT on a slice of every phase.
  const warmUp = events.slice(0, 50_000);
  for (const p of phases) p.run(warmUp);

  const best = phases.map(() => Infinity);
  for (let r = 0; r < rounds; r++) {
    phases.forEach((p, i) => {
      const cpu = process.cpuUsage();
      p.run(events);
      const used = process.cpuUsage(cpu);
      best[i] = Math.min(best[i]!, (used.user + used.system) / 1e6);
    });
  }
  phases.forEach((p, i) => {
    const rate = n / best[i]!;
    console.log(
      `${p.label.padEnd(34)} ${(rate / 1e6).toFixed(2)} M events/s  cpu ${best[i]!.toFixed(2)} s  ` +
        `${(best[0]! / best[i]!).toFixed(2)}x baseline  ${(best[1]! / best[i]!).toFixed(2)}x floor`,
    );
  });

  // What the workload looks like once applied.
  const states = new Map<string, BitemporalKeyState<Payload>>();
  const out = new ApplyResult<Payload>();
  let written = 0;
  let duplicates = 0;
  let adjusted = 0;
  for (const { key, event } of events) {
    let s = states.get(key);
    if (s === undefined) states.set(key, (s = newState()));
    s.apply(event, out);
    written += out.closed.length + out.added.length;
    if (out.duplicate) duplicates++;
    if (out.adjustedSystemTime) adjusted++;
  }
  let current = 0;
  for (const s of states.values()) current += s.rowCount;
  console.log(
    `rows written ${written} (${(written / n).toFixed(2)}/event), current rows ${current} (${(current / states.size).toFixed(1)}/key), ` +
      `duplicates ${duplicates}, raised system times ${adjusted}`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) main();
