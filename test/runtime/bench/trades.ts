/**
 * A trades-like NDJSON event file for the runtime benchmarks and the crash test, in the shape of
 * the reference spec's `trades` dataset (examples/audit-surveillance.lake). Deterministic
 * (seeded): about one key per ten events, 10% corrections of an earlier valid period, 1%
 * redeliveries of a recent event, 0.1% bad events (malformed JSON, a missing field, a wrong
 * type, a failed check, an inverted valid interval). System time moves forward 1 ms per event.
 * `generate-trades.ts` writes one from the command line.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

/** Seeded xorshift32, so every run sees the same events. */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4_294_967_296;
  };
}

const START = Date.UTC(2024, 0, 1);
const MINUTE = 60_000;
const SIDES = ['BUY', 'SELL'];
const VENUES = ['XNYS', 'XNAS', 'BATS', 'TEST'];

export interface TradesOptions {
  readonly events: number;
  readonly keys?: number;
  readonly seed?: number;
  /** Shares of each kind of event (defaults: 0.1 corrections, 0.01 redeliveries, 0.001 bad). */
  readonly corrections?: number;
  readonly duplicates?: number;
  readonly bad?: number;
}

export interface TradesSummary {
  readonly lines: number;
  readonly bad: number;
  readonly bytes: number;
}

/**
 * `new Date(ms).toISOString()`, faster: the events' timestamps fall in a few thousand minutes,
 * so each minute's prefix ("2024-01-01T00:00:") is formatted once and the seconds and
 * milliseconds come from a table.
 */
const SECONDS = Array.from({ length: MINUTE }, (_, ms) => `${String(Math.floor(ms / 1000)).padStart(2, '0')}.${String(ms % 1000).padStart(3, '0')}Z`);
const minutes = new Map<number, string>();
function iso(ms: number): string {
  const within = ((ms % MINUTE) + MINUTE) % MINUTE;
  const minute = ms - within;
  let prefix = minutes.get(minute);
  if (prefix === undefined) {
    if (minutes.size >= 100_000) minutes.clear();
    prefix = new Date(minute).toISOString().slice(0, 17);
    minutes.set(minute, prefix);
  }
  return prefix + SECONDS[within]!;
}

/** The spec the events are for: the reference spec's trades, cut down to one file. */
export const tradesSpec = `lake bench {
  region = "us-east-1"
  encryption = kms
}
zone curated {
  layer = curated
  retention = 7 years
}
stream trade_events {
  format = json
  partition_key = trade_id
  shards = 512
}
dataset trades in curated {
  from stream trade_events
  format = iceberg
  columns {
    trade_id     string
    account_id   string
    trader_email string?        = $.trader.email
    symbol       string         = $.instrument.symbol
    side         string         @check(side in ("BUY", "SELL"))
    quantity     decimal(18, 4)
    price        decimal(18, 6)
    venue        string?        = $.instrument.venue
    valid_from   timestamp
    valid_to     timestamp?
    recorded_at  timestamp
  }
  key (trade_id)
  bitemporal {
    valid  = valid_from .. valid_to
    system = recorded_at
  }
}
`;

/** Calls `write` with the file's text in pieces; returns what was written. */
export function generateTrades(options: TradesOptions, write: (text: string) => void): TradesSummary {
  const n = options.events;
  const keys = options.keys ?? Math.max(1, Math.round(n / 10));
  const random = rng(options.seed ?? 1);
  const pCorrection = options.corrections ?? 0.1;
  const pDuplicate = options.duplicates ?? 0.01;
  const pBad = options.bad ?? 0.001;
  // A key's first event cannot correct an earlier one: the corrections are drawn among the
  // other valid events, as many as make `pCorrection` of all events. Expected keys seen after
  // `draws` uniform draws: keys * (1 - (1 - 1/keys)^draws).
  const draws = n * (1 - pBad - pDuplicate);
  const firsts = keys * -Math.expm1(draws * Math.log1p(-1 / keys));
  const pCorrectionOfLater = draws - firsts > 0 ? Math.min(1, (pCorrection * n) / (draws - firsts)) : 0;
  // Per key: start of its latest valid period (0: no event yet), and its version counter.
  const latest = new Float64Array(keys);
  const version = new Uint32Array(keys);
  const recent: string[] = [];
  let out = '';
  let bytes = 0;
  let bad = 0;
  // Pieces of about 64 KB: a longer string of concatenated lines outlives the young generation
  // and doubles the time spent collecting garbage.
  const flush = (): void => {
    bytes += Buffer.byteLength(out);
    write(out);
    out = '';
  };
  for (let i = 0; i < n; i++) {
    const recordedAt = START + i;
    const r = random();
    let line: string;
    if (r < pBad) {
      bad++;
      const k = Math.floor(random() * 5);
      const id = `T${String(Math.floor(random() * keys)).padStart(7, '0')}`;
      const base = `"trade_id":"${id}","account_id":"A1","instrument":{"symbol":"S"},"quantity":"1","price":"1","recorded_at":"${iso(recordedAt)}"`;
      line = [
        `{"trade_id":"${id}","side":"BUY",`,
        `{${base},"side":"BUY"}`,
        `{${base},"side":"BUY","valid_from":12.5}`,
        `{${base},"side":"HOLD","valid_from":"${iso(START)}"}`,
        `{${base},"side":"SELL","valid_from":"${iso(START + MINUTE)}","valid_to":"${iso(START)}"}`,
      ][k]!;
    } else if (r < pBad + pDuplicate && recent.length > 0) {
      line = recent[Math.floor(random() * recent.length)]!;
    } else {
      const key = Math.floor(random() * keys);
      const id = `T${String(key).padStart(7, '0')}`;
      const v = ++version[key]!;
      let validFrom: number;
      let validTo: number | null = null;
      if (latest[key] === 0) {
        validFrom = START + Math.floor(random() * 1000) * MINUTE;
        latest[key] = validFrom;
      } else if (random() < pCorrectionOfLater) {
        // A correction of an earlier valid period.
        validFrom = latest[key]! - (1 + Math.floor(random() * 60)) * MINUTE;
        validTo = validFrom + (1 + Math.floor(random() * 30)) * MINUTE;
      } else {
        validFrom = latest[key]! + (1 + Math.floor(random() * 60)) * MINUTE;
        latest[key] = validFrom;
      }
      const side = SIDES[v % 2]!;
      const venue = VENUES[key % 4]!;
      const qty = `${100 + (v % 50)}.${String(v % 10_000).padStart(4, '0')}`;
      const price = `${10 + (key % 90)}.${String((v * 7919) % 1_000_000).padStart(6, '0')}`;
      line =
        `{"trade_id":"${id}","account_id":"A${String(key % 5000).padStart(4, '0')}","trader":{"email":"t${key % 200}@example.com"},` +
        `"instrument":{"symbol":"SYM${key % 500}","venue":"${venue}"},"side":"${side}","quantity":"${qty}","price":"${price}",` +
        `"valid_from":"${iso(validFrom)}","valid_to":${validTo === null ? 'null' : `"${iso(validTo)}"`},"recorded_at":"${iso(recordedAt)}"}`;
      if (recent.length < 64) recent.push(line);
      else recent[i % 64] = line;
    }
    out += line;
    out += '\n';
    if (out.length > 1 << 16) flush();
  }
  flush();
  return { lines: n, bad, bytes };
}

/** Writes the events to `path` (through a 4 MB buffer: one system call per few thousand lines). */
export function writeTradesFile(path: string, options: TradesOptions): TradesSummary {
  const fd = openSync(path, 'w');
  const buffer = Buffer.allocUnsafe(4 << 20);
  let used = 0;
  const drain = (): void => {
    for (let at = 0; at < used; ) at += writeSync(fd, buffer, at, used - at);
    used = 0;
  };
  try {
    const summary = generateTrades(options, (text) => {
      if (used + 3 * text.length > buffer.length) drain();
      if (3 * text.length > buffer.length) writeSync(fd, text);
      else used += buffer.write(text, used);
    });
    drain();
    return summary;
  } finally {
    closeSync(fd);
  }
}
