// Writes a trades-like NDJSON event file (trades.ts):
//   npx tsx test/runtime/bench/generate-trades.ts OUT.jsonl [events=1000000] [keys=events/10] [seed=1]
import { writeTradesFile } from './trades.ts';

const [path, events, keys, seed] = process.argv.slice(2);
if (path === undefined) throw new Error('usage: generate-trades.ts OUT.jsonl [events] [keys] [seed]');
const s = writeTradesFile(path, { events: Number(events ?? 1_000_000), ...(keys !== undefined ? { keys: Number(keys) } : {}), seed: Number(seed ?? 1) });
console.log(`${path}: ${s.lines} events (${s.bad} bad), ${(s.bytes / 1e6).toFixed(1)} MB`);
