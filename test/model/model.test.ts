import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { compileAt, compileText, examples, root } from '../support/compile.ts';

const schema = JSON.parse(readFileSync(join(root, 'compiler/model/lake-model.schema.json'), 'utf8')) as object;
const validateModel = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);

describe('the lake model', () => {
  for (const example of examples) {
    it(`${example} validates against lake-model.schema.json`, () => {
      const c = compileAt(example);
      expect(c.model).toBeDefined();
      const ok = validateModel(c.model);
      expect(validateModel.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    });

    it(`${example} survives a JSON round trip unchanged`, () => {
      const model = compileAt(example).model;
      expect(JSON.parse(JSON.stringify(model))).toEqual(model);
    });
  }

  it('is the same whatever order the declarations come in', () => {
    const text = readFileSync(join(root, 'examples/audit-surveillance.lake'), 'utf8');
    // Top-level declarations with their doc comments, split at the blank lines between them.
    const chunks = text.split(/\n\n(?=\/\/\/|lake |zone |classification |stream |dataset |persona |grant )/);
    expect(chunks.length).toBeGreaterThan(10);
    const reversed = [...chunks].reverse().join('\n\n');
    expect(compileText(reversed).model).toEqual(compileText(text).model);
  });

  it('applies defaults and normalizes the reference spec', () => {
    const m = compileAt('examples/audit-surveillance.lake').model!;
    const trades = m.datasets.find((d) => d.name === 'trades')!;
    expect(trades.mode).toBe('bitemporal');
    expect(trades.database).toBe('audit_surveillance_curated');
    expect(trades.sla?.burst).toEqual({ records: 150_000_000, within: { seconds: 300, text: '5 minutes' }, recordsPerSecond: 500_000 });
    expect(trades.columns.map((c) => c.name).slice(0, 3)).toEqual(['trade_id', 'account_id', 'trader_email']);
    expect(trades.columns.find((c) => c.name === 'trader_email')?.source).toEqual({ kind: 'path', path: '$.trader.email', segments: ['trader', 'email'] });
    expect(trades.columns.find((c) => c.name === 'trade_id')?.description).toBe('Exchange-assigned trade identifier.');
    expect(trades.columns.find((c) => c.name === 'quantity')?.glueType).toBe('decimal(18,4)');
    expect(m.datasets.find((d) => d.name === 'accounts')?.columns.find((c) => c.name === 'addresses')?.glueType)
      .toBe('array<struct<kind:string,city:string,country:string>>');
    expect(m.datasets.find((d) => d.name === 'trade_events_raw')?.mode).toBe('append');
    expect(m.datasets.find((d) => d.name === 'accounts')?.mode).toBe('external');
    const business = m.grants.find((g) => g.persona === 'business_users' && g.target.kind === 'dataset')!;
    expect(business.target.kind === 'dataset' && business.target.columns).not.toContain('account_id');
    expect(business.target.kind === 'dataset' && business.target.columns).not.toContain('trader_email');
    const service = m.grants.find((g) => g.persona === 'compliance_service')!;
    expect(service.rowFilter).toBe("venue <> 'TEST'");
    // The stored system-time interval: readable through every selection but an explicit column list.
    expect(trades.bitemporal).toMatchObject({ systemFrom: 'system_from', systemTo: 'system_to' });
    expect(business.target.kind === 'dataset' && business.target.columns.slice(-2)).toEqual(['system_from', 'system_to']);
    expect(service.target.kind === 'dataset' && service.target.columns).not.toContain('system_from');
    const accountsGrant = m.grants.find((g) => g.persona === 'compliance_it' && g.target.kind === 'dataset' && g.target.dataset === 'accounts')!;
    expect(accountsGrant.target.kind === 'dataset' && accountsGrant.target.columns).not.toContain('system_from');
    expect(m.streams[0]?.readers).toEqual(['trade_events_raw', 'trades']);
  });

  it('is not produced for a spec with errors', () => {
    const c = compileText('lake x { region = "eu-west-1" }\nzone raw { layer = bronze }');
    expect(c.diagnostics.some((d) => d.severity === 'error')).toBe(true);
    expect(c.model).toBeUndefined();
  });
});
