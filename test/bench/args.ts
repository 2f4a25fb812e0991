/**
 * The flags of `npm run bench` (test/bench/run.ts): which suites run, and the input of the runtime
 * pipeline, engine and Flink benchmarks (test/runtime/bench/pipeline.ts, test/bench/flink.ts).
 */

export const SUITES = ['front', 'lsp', 'build', 'loadtest', 'engine', 'flink', 'runtime'] as const;
export type Suite = (typeof SUITES)[number];

export interface BenchArgs {
  /** The suites to run, in the order of SUITES. */
  readonly suites: readonly Suite[];
  /** Events in the generated trades file. */
  readonly events: number;
  /** Whether --events was given (a reused --file has its own count). */
  readonly eventsGiven: boolean;
  /** An events file: reused if it exists, else generated there and kept. */
  readonly file?: string;
  /** Keep a generated file instead of deleting it at the end. */
  readonly keepFile: boolean;
  /** V8's old-space limit (MB) of the runtime measurements' processes; undefined: the default. */
  readonly heapMb?: number;
  /** Events of the load test suite's scaled burst. */
  readonly loadtestRecords: number;
  readonly help: boolean;
}

export const DEFAULT_EVENTS = 10_000_000;

export const USAGE = `usage: npm run bench -- [flags]

  --only SUITES   run only these suites, comma-separated or repeated: ${SUITES.join(', ')}
                  (default: all, in that order)
  --events N      events in the generated trades file of the runtime benchmark
                  (default 10000000; 150000000 for the full size; k and m suffixes: 1m, 500k)
                  and of the engine benchmark (default 1000000: it holds the file in memory)
                  and of the flink benchmark (default 1000000: the job runs at about 15k/s)
  --file PATH     the events file: reused if it exists (its own event count), otherwise
                  generated there and kept
  --keep-file     keep the generated events file (in the system's temporary folder)
  --heap-mb N     V8 heap limit (--max-old-space-size) of the runtime measurements' processes
                  and their worker threads (default: 60% of the memory, at most 16384)
  --loadtest-records N
                  events of the load test suite's scaled burst of the reference spec (default 1m)
  --help          this text

BENCH_ITERATIONS, BENCH_SPAWNS and BENCH_DATASETS tune the front-end suite.`;

export class BenchUsageError extends Error {}

/** A positive whole number, with an optional k (thousand) or m (million) suffix and _ separators. */
function count(flag: string, value: string | undefined): number {
  if (value === undefined) throw new BenchUsageError(`${flag} needs a value`);
  const m = /^(\d[\d_]*)([km]?)$/i.exec(value.trim());
  const n = m === null ? NaN : Number(m[1]!.replaceAll('_', '')) * ({ '': 1, k: 1_000, m: 1_000_000 } as const)[m[2]!.toLowerCase() as '' | 'k' | 'm'];
  if (!Number.isSafeInteger(n) || n < 1) throw new BenchUsageError(`${flag} takes a positive whole number (like 1000000 or 1m), not '${value}'`);
  return n;
}

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const only = new Set<Suite>();
  let events: number | undefined;
  let file: string | undefined;
  let keepFile = false;
  let heapMb: number | undefined;
  let loadtestRecords = 1_000_000;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string | undefined => (eq > 0 && arg.startsWith('--') ? arg.slice(eq + 1) : argv[++i]);
    switch (flag) {
      case '--only': {
        const v = value();
        if (v === undefined || v.trim() === '') throw new BenchUsageError(`--only needs a suite: ${SUITES.join(', ')}`);
        for (const s of v.split(',').map((x) => x.trim())) {
          if (!(SUITES as readonly string[]).includes(s)) throw new BenchUsageError(`--only: no suite '${s}' (the suites: ${SUITES.join(', ')})`);
          only.add(s as Suite);
        }
        break;
      }
      case '--events':
        events = count('--events', value());
        break;
      case '--file': {
        const v = value();
        if (v === undefined || v === '') throw new BenchUsageError('--file needs a path');
        file = v;
        break;
      }
      case '--keep-file':
        if (eq > 0) throw new BenchUsageError('--keep-file takes no value');
        keepFile = true;
        break;
      case '--heap-mb':
        heapMb = count('--heap-mb', value());
        break;
      case '--loadtest-records':
        loadtestRecords = count('--loadtest-records', value());
        break;
      case '--help':
      case '-h':
        help = true;
        break;
      default:
        throw new BenchUsageError(`unknown argument '${arg}'`);
    }
  }
  return {
    suites: only.size === 0 ? SUITES : SUITES.filter((s) => only.has(s)),
    events: events ?? DEFAULT_EVENTS,
    eventsGiven: events !== undefined,
    ...(file !== undefined ? { file } : {}),
    keepFile,
    ...(heapMb !== undefined ? { heapMb } : {}),
    loadtestRecords,
    help,
  };
}
