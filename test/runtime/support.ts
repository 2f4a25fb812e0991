/**
 * Helpers for the runtime tests: a small spec per shared vector (test/vectors/bitemporal), its
 * events as the JSON published to a stream, and the runtime's description of a dataset compiled
 * from spec text.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetSpec } from '../../compiler/codegen/processors/spec.ts';
import type { DatasetSpec } from '../../runtime/dataset.ts';
import type { Vector, VectorEvent } from './bitemporal/vectors.ts';
import { compileText } from '../support/compile.ts';

/** The runtime description of dataset `name` of a spec given as text (which must have no errors). */
export function specOf(text: string, name: string): DatasetSpec {
  const c = compileText(text);
  if (c.model === undefined) throw new Error(`the test spec has errors:\n${c.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n')}`);
  const d = c.model.datasets.find((x) => x.name === name);
  if (d === undefined) throw new Error(`no dataset ${name}`);
  return datasetSpec(d);
}

/** A lake, a zone and a stream: the preamble of every runtime test spec. */
export const specHeader = `lake vectors {
  region = "us-east-1"
  encryption = kms
}
zone curated {
  layer = curated
  retention = 7 years
}
stream events {
  format = json
  shards = 1
}
`;

/**
 * A spec for a vector: its key and payload columns (strings stay strings, numbers become longs),
 * the valid interval and the stated system time as timestamps, `system = system_time`, and the
 * vector's options as `dedup_window` and `late`.
 */
export function vectorSpecText(v: Vector): string {
  const typeOf = (column: string, where: 'key' | 'payload'): string => {
    for (const e of v.events) {
      const x = where === 'key' ? e.key[column] : e.payload?.[column];
      if (x === null || x === undefined) continue;
      return typeof x === 'number' ? 'long' : typeof x === 'boolean' ? 'boolean' : 'string';
    }
    return 'string';
  };
  const columns = [
    ...v.key.map((k) => `    ${k} ${typeOf(k, 'key')}`),
    ...v.payloadColumns.map((p) => `    ${p} ${typeOf(p, 'payload')}?`),
    '    valid_from timestamp',
    '    valid_to timestamp?',
    '    system_time timestamp',
  ];
  return `${specHeader}dataset history in curated {
  from stream events
  format = iceberg
  columns {
${columns.join('\n')}
  }
  key (${v.key.join(', ')})
${v.options?.dedupWindow !== undefined ? `  dedup_window = ${v.options.dedupWindow}
` : ''}  bitemporal {
    valid = valid_from .. valid_to
    system = system_time
${v.options?.late !== undefined ? `    late = ${v.options.late}
` : ''}  }
}
`;
}

/**
 * A spec for a current-state vector (test/vectors/current): its key and payload columns, a key
 * and no bitemporal block, the vector's window as `dedup_window`; with `ingestedAt`, also an
 * `ingested_at timestamp = ingestion_time()` column.
 */
export function currentSpecText(v: { key: string[]; payloadColumns: string[]; options?: { dedupWindow?: number }; events: { key: Record<string, unknown>; payload: Record<string, unknown> | null }[] }, ingestedAt = false): string {
  const typeOf = (column: string, where: 'key' | 'payload'): string => {
    for (const e of v.events) {
      const x = where === 'key' ? e.key[column] : e.payload?.[column];
      if (x === null || x === undefined) continue;
      return typeof x === 'number' ? 'long' : typeof x === 'boolean' ? 'boolean' : 'string';
    }
    return 'string';
  };
  const columns = [
    ...v.key.map((k) => `    ${k} ${typeOf(k, 'key')}`),
    ...v.payloadColumns.map((p) => `    ${p} ${typeOf(p, 'payload')}?`),
    ...(ingestedAt ? ['    ingested_at timestamp = ingestion_time()'] : []),
  ];
  return `${specHeader}dataset members in curated {
  from stream events
  columns {
${columns.join('\n')}
  }
  key (${v.key.join(', ')})
${v.options?.dedupWindow !== undefined ? `  dedup_window = ${v.options.dedupWindow}\n` : ''}}
`;
}

/** A vector event as published to the stream: one flat JSON object, `"op": "delete"` for a delete. */
export function publishedEvent(e: VectorEvent): Record<string, unknown> {
  return {
    ...(e.op === 'delete' ? { op: 'delete' } : {}),
    ...e.key,
    ...(e.payload ?? {}),
    valid_from: e.valid_from,
    valid_to: e.valid_to,
    system_time: e.system_time,
  };
}

/** A current-state vector event as published: the key and payload fields, `"op": "delete"` for a delete. */
export function publishedCurrentEvent(e: { op: 'put' | 'delete'; key: Record<string, unknown>; payload: Record<string, unknown> | null }): Record<string, unknown> {
  return { ...(e.op === 'delete' ? { op: 'delete' } : {}), ...e.key, ...(e.payload ?? {}) };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `lakec-${prefix}-`));
}

/** A stored row without the columns the vectors do not list (the stated system time). */
export function withoutStatedTime(row: Record<string, unknown>): Record<string, unknown> {
  const { system_time: _stated, ...rest } = row;
  return rest;
}
