/**
 * `warnings_as_errors = [CODE, ...]` in the lake block: the listed warnings are reported as errors
 * (the build refuses the lake), in the CLI and the editor alike; a code that is no warning is reported.
 */
import { describe, expect, it } from 'vitest';
import { compileText, diagnosticLines } from '../support/compile.ts';

const lake = (setting: string): string => `lake shop {
  region = "us-east-1"
  ${setting}
}
zone marts { layer = curated }
dataset orders in marts {
  format = parquet
  columns { order_id string }
}
`;

describe('warnings_as_errors', () => {
  it('turns the listed warnings into errors, and leaves the others warnings', () => {
    // Nobody reads orders (LAKE6101), nothing loads it (LAKE6120).
    expect(diagnosticLines(compileText(lake('')))).toBe('LAKE6101 warning test.lake:6:9-6:15\nLAKE6120 warning test.lake:6:9-6:15\n');
    const strict = compileText(lake('warnings_as_errors = [LAKE6101, LAKE6102]'));
    expect(diagnosticLines(strict)).toBe('LAKE6101 error test.lake:6:9-6:15\nLAKE6120 warning test.lake:6:9-6:15\n');
    expect(strict.model).toBeUndefined();
  });

  it('reports a code that is an error already, one that does not exist, and one that is not a code', () => {
    const c = compileText(lake('warnings_as_errors = [LAKE1003, LAKE6199, LAKE6191, pii]'));
    const messages = c.diagnostics.filter((d) => d.code === 'LAKE1010').map((d) => `${d.message} | ${d.hint ?? ''}`);
    expect(messages[0]).toContain('LAKE1003 (unknown name) is an error already');
    expect(messages.some((m) => m.startsWith('LAKE6191 is not the code of a warning'))).toBe(true);
    expect(messages.some((m) => m.includes("lists diagnostic codes such as LAKE6102, not pii"))).toBe(true);
    expect(c.diagnostics.find((d) => d.code === 'LAKE6101')?.severity).toBe('warning');
  });
});
