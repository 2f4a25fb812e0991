/** The flags of `npm run bench` (args.ts). */
import { describe, expect, it } from 'vitest';
import { BenchUsageError, DEFAULT_EVENTS, parseBenchArgs, SUITES } from './args.ts';

describe('parseBenchArgs', () => {
  it('runs every suite on 10 million events by default', () => {
    const a = parseBenchArgs([]);
    expect(a.suites).toEqual(SUITES);
    expect(a.suites.at(-1)).toBe('runtime');
    expect(a.events).toBe(DEFAULT_EVENTS);
    expect(DEFAULT_EVENTS).toBe(10_000_000);
    expect(a).toMatchObject({ eventsGiven: false, keepFile: false, help: false });
    expect(a.file).toBeUndefined();
    expect(a.heapMb).toBeUndefined();
  });

  it('picks suites with --only, comma-separated or repeated, in the suites’ own order', () => {
    expect(parseBenchArgs(['--only', 'runtime']).suites).toEqual(['runtime']);
    expect(parseBenchArgs(['--only=runtime,front']).suites).toEqual(['front', 'runtime']);
    expect(parseBenchArgs(['--only', 'build', '--only', 'lsp']).suites).toEqual(['lsp', 'build']);
  });

  it('reads counts with separators and k or m suffixes', () => {
    expect(parseBenchArgs(['--events', '150000000'])).toMatchObject({ events: 150_000_000, eventsGiven: true });
    expect(parseBenchArgs(['--events', '1m']).events).toBe(1_000_000);
    expect(parseBenchArgs(['--events=500K']).events).toBe(500_000);
    expect(parseBenchArgs(['--events', '2_000_000']).events).toBe(2_000_000);
    expect(parseBenchArgs(['--heap-mb', '8192']).heapMb).toBe(8192);
  });

  it('takes a file to reuse and a flag to keep the generated one', () => {
    expect(parseBenchArgs(['--file', '/tmp/t.jsonl', '--keep-file'])).toMatchObject({ file: '/tmp/t.jsonl', keepFile: true });
    expect(parseBenchArgs(['--help']).help).toBe(true);
  });

  it.each([
    [['--only', 'nope'], /no suite 'nope'/],
    [['--only'], /--only needs a suite/],
    [['--events', '0'], /positive whole number/],
    [['--events', '1.5m'], /positive whole number/],
    [['--events', '-3'], /positive whole number/],
    [['--events'], /--events needs a value/],
    [['--file'], /--file needs a path/],
    [['--keep-file=yes'], /takes no value/],
    [['--fast'], /unknown argument '--fast'/],
    [['runtime'], /unknown argument 'runtime'/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(BenchUsageError);
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });
});
