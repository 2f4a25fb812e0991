/** The pipeline benchmark's one-line failures and its disk check (pipeline.ts); no timing here. */
import { describe, expect, it } from 'vitest';
import { describeFailure, diskRefusal } from './pipeline.ts';

const exit = (over: Partial<Parameters<typeof describeFailure>[0]>): Parameters<typeof describeFailure>[0] => ({
  status: 1,
  signal: null,
  stdout: '',
  stderr: '',
  error: undefined,
  ...over,
});

describe('describeFailure', () => {
  it('names an exhausted heap and the limit, from V8 or from a worker', () => {
    const v8 = 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n 1: 0xb8 node::Abort()';
    expect(describeFailure(exit({ status: 134, stderr: v8 }), 4096)).toBe('the JavaScript heap is exhausted (limit 4096 MB; --heap-mb raises it)');
    const worker = JSON.stringify({ error: 'Worker terminated due to reaching memory limit: JS heap out of memory' });
    expect(describeFailure(exit({ stdout: `${worker}\n` }), 4096)).toMatch(/^the JavaScript heap is exhausted \(limit 4096 MB.*: Worker terminated/);
  });

  it('reports the error the measuring process caught, a kill, or the first error line', () => {
    expect(describeFailure(exit({ stdout: '{"error":"partition 1 failed: disk full"}\n' }), 1)).toBe('partition 1 failed: disk full');
    expect(describeFailure(exit({ status: null, signal: 'SIGKILL' }), 1)).toMatch(/^killed by SIGKILL \(most likely the system ran out of memory/);
    expect(describeFailure(exit({ stderr: 'file:///x.mjs:3\n  throw e;\n\nTypeError: x is undefined\n    at f (x.mjs:3)\n' }), 1)).toBe('exited with code 1: TypeError: x is undefined');
    expect(describeFailure(exit({ status: 3 }), 1)).toBe('exited with code 3');
  });
});

describe('diskRefusal', () => {
  const free = (bytes: Record<string, number>) => (dir: string) => bytes[dir]!;
  it('adds up what goes to one file system and compares it with its free space', () => {
    const oneDisk = () => 1;
    expect(diskRefusal([['/tmp/w', 5e9, 'the warehouses'], ['/tmp', 4e9, 'the events file']], free({ '/tmp/w': 10e9 }), oneDisk)).toBeUndefined();
    expect(diskRefusal([['/tmp/w', 5e9, 'the warehouses'], ['/tmp', 6e9, 'the events file']], free({ '/tmp/w': 10e9 }), oneDisk)).toBe(
      'they need about 11.0 GB on the disk of /tmp/w (the warehouses 5.0 GB, the events file 6.0 GB), and 10.0 GB are free',
    );
  });
  it('checks each file system on its own', () => {
    const device = (dir: string) => (dir.startsWith('/big') ? 2 : 1);
    expect(diskRefusal([['/tmp/w', 5e9, 'the warehouses'], ['/big', 40e9, 'the events file']], free({ '/tmp/w': 10e9, '/big': 50e9 }), device)).toBeUndefined();
    expect(diskRefusal([['/tmp/w', 5e9, 'the warehouses'], ['/big', 45e9, 'the events file']], free({ '/tmp/w': 10e9, '/big': 44e9 }), device)).toMatch(/on the disk of \/big \(the events file 45.0 GB\), and 44.0 GB are free/);
  });
});
