/**
 * The smallest inputs the robustness properties shrank to, kept as plain tests so each bug
 * stays fixed even when a random run would not find it again.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/driver/compile.ts';
import { compileChecked } from './support.ts';

const codes = (text: string): string[] => compileChecked([{ path: 'r.lake', text }]).compilation.diagnostics.map((d) => d.code);
const errors = (text: string): string[] =>
  compileChecked([{ path: 'r.lake', text }]).compilation.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`);

/** A small valid lake; each cascade test below breaks one line of it. */
const base = `/*
 * A small lake for regression tests.
 */
lake shop {
  region = "us-east-1"
}

zone raw {
  layer     = raw
  retention = 30 days
}

zone curated {
  layer     = curated
  retention = 7 years
}

classification pii

stream events {
  format        = json
  partition_key = order_id
  retention     = 1 day
  shards        = 4
}

dataset events_raw in raw {
  from   stream events
  format = json

  columns {
    order_id    string
    payload     string    = raw_payload()   @pii
    ingested_at timestamp = ingestion_time()
  }
}

dataset orders in curated {
  from stream events

  columns {
    order_id    string
    email       string?   @pii
    valid_from  timestamp
    valid_to    timestamp?
    recorded_at timestamp
  }

  key (order_id)

  bitemporal {
    valid  = valid_from .. valid_to
    system = recorded_at
  }

  sla {
    burst     = 100_000 records within 5 minutes
    freshness = 15 minutes
  }
}

persona analysts {
  access   = [athena]
  identity = sso_group "Analysts"
}

grant select on orders except @pii to analysts
  where order_id <> 'TEST'
grant select on events_raw to analysts
`;

/** `base` without its line `line` (matched after trimming; the first match after `after`). */
function withoutLine(line: string, after = ''): string {
  const from = base.indexOf(after);
  const lines = base.split('\n');
  let offset = 0;
  for (const [i, l] of lines.entries()) {
    if (offset >= from && l.trim() === line) return [...lines.slice(0, i), ...lines.slice(i + 1)].join('\n');
    offset += l.length + 1;
  }
  throw new Error(`no line '${line}' after '${after}'`);
}

describe('regressions found by the robustness properties', () => {
  it('a columns block abandoned by recovery is not pushed as a hole into the dataset (TypeError in parse.ts)', () => {
    // compile() threw "Cannot read properties of undefined (reading 'kind')" from attachDocs.
    expect(codes('dataset e columns{s p<)columns')).toContain('LAKE0002');
    expect(codes('dataset d in z {\n  columns { c list<) }\n  columns\n}')).toContain('LAKE0002');
  });

  it('a map entry whose value recovery abandoned is a syntax error, not an internal error', () => {
    // "internal error while parsing this declaration: Cannot read properties of undefined (reading 'length')"
    expect(codes('lake{l{n:{n=}')).toContain('LAKE0002');
    expect(codes('lake _ {\n  bitemporal {\n  bitemporal {\n  region : {\n  region = \n}\n}\n}')).toContain('LAKE0002');
  });

  it('nesting too deep for the recursive descent is reported as a syntax error', () => {
    // Stack overflows at a few hundred levels used to surface as LAKE0000.
    const deep = [
      'grant select on t to p where ' + '('.repeat(5_000) + 'x = 1' + ')'.repeat(5_000),
      'grant select on t to p where ' + 'not '.repeat(5_000) + 'x = 1',
      'dataset d in z { columns { c ' + 'list<'.repeat(5_000) + 'string' + '>'.repeat(5_000) + ' } }',
      'lake x { tags = ' + '['.repeat(5_000) + ']'.repeat(5_000) + ' }',
    ];
    for (const text of deep) {
      const c = compileChecked([{ path: 'deep.lake', text }]).compilation;
      expect(c.diagnostics.find((d) => d.code === 'LAKE0002')?.message).toMatch(/too deeply/);
    }
    // The reused parser is left in a usable state afterwards.
    const ok = 'lake x { region = "us-east-1" }';
    expect(compile([{ path: 'ok.lake', text: ok }]).diagnostics).toEqual(compile([{ path: 'ok.lake', text: ok }]).diagnostics);
  });
});

describe('one deleted line, one diagnostic (cascades found by deleting each line of the examples)', () => {
  it('the base lake is valid', () => {
    expect(errors(base)).toEqual([]);
  });

  it("a lost dataset header: one error, and the stream before it keeps its body", () => {
    // Was: 'stream' in 'from stream events' started a declaration, the stream lost its shards
    // to recovery (an SLA error on another dataset), and every body item was an unknown stream item.
    expect(errors(withoutLine('dataset events_raw in raw {'))).toEqual([
      "LAKE0002 unexpected 'from' after the end of the declaration",
      "LAKE1003 unknown dataset 'events_raw' in grant", // the dataset is really gone
    ]);
  });

  it('a lost dataset header at the top of a file: one error, no duplicate stream', () => {
    const text = withoutLine('dataset events_raw in raw {');
    const orphan = text.slice(text.indexOf('  from   stream events'), text.indexOf('dataset orders'));
    const rest = text.replace(orphan, '');
    const c = compileChecked([{ path: 'a.lake', text: orphan }, { path: 'b.lake', text: rest }]).compilation;
    expect(c.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.span.file} ${d.code}`)).toEqual(['a.lake LAKE0002', 'b.lake LAKE1003']);
  });

  it("a lost 'columns {': one error, not one per column", () => {
    expect(errors(withoutLine('columns {', 'dataset orders'))).toHaveLength(1);
  });

  it("a lost '}' of a columns block: one error, no 'column without type' for the items after it", () => {
    const text = base.replace('    recorded_at timestamp\n  }\n', '    recorded_at timestamp\n');
    expect(errors(text)).toEqual(["LAKE0002 expected '}' but found '('"]);
  });

  it("a lost '}' of a bitemporal block: one error, no 'unknown bitemporal item' for the items after it", () => {
    const text = base.replace('    system = recorded_at\n  }\n', '    system = recorded_at\n');
    expect(errors(text).map((e) => e.slice(0, 8))).toEqual(['LAKE0002']);
  });

  it("a grant without 'to PERSONA' before its 'where': one error, 'where' is not taken for a persona", () => {
    const text = base.replace('grant select on orders except @pii to analysts\n', 'grant select on orders except @pii\n');
    expect(errors(text)).toEqual(["LAKE0002 expected 'to' but found 'where'"]);
  });
});

describe('comments that lost one end', () => {
  it("a '/*' without '*/' ends before the next declaration at column 1: one error, the lake is still declared", () => {
    expect(errors(withoutLine('*/'))).toEqual(['LAKE0003 unterminated block comment']);
  });

  it("a '*/' without '/*' takes the '*'-prefixed lines above it as the comment: one error", () => {
    expect(errors(withoutLine('/*'))).toEqual(["LAKE0003 '*/' ends a comment that was never opened"]);
    const c = compileChecked([{ path: 'r.lake', text: withoutLine('/*') }]).compilation;
    expect(c.parsed[0]!.ast.comments[0]!.span).toEqual({ file: 'r.lake', start: 0, end: base.indexOf('*/') + 2 - 3 });
  });

  it("a stray '*/' after code is reported alone", () => {
    expect(errors(base.replace('zone raw {', 'zone raw { */'))).toEqual(["LAKE0003 '*/' ends a comment that was never opened"]);
  });
});

