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

  it('names each dataset\'s mode and gives keyed ones their dedup window and late policy', () => {
    const m = compileAt('examples/audit-surveillance.lake').model!;
    const by = (name: string) => m.datasets.find((d) => d.name === name)!;
    // Defaults: a window of 32 and late = apply on the keyed datasets, nothing on the others.
    expect(by('trades')).toMatchObject({ mode: 'bitemporal', dedupWindow: 32, bitemporal: { late: 'apply' } });
    expect(by('trade_events_raw').dedupWindow).toBeUndefined();
    expect(by('accounts').dedupWindow).toBeUndefined();
    // A key without bitemporal, fed by a stream: one row per key.
    const iot = compileAt('examples/iot-telemetry').model!;
    expect(iot.datasets.find((d) => d.name === 'readings')).toMatchObject({ mode: 'current', key: ['device_id', 'measured_at'], dedupWindow: 32 });
    expect(iot.datasets.find((d) => d.name === 'readings')!.bitemporal).toBeUndefined();
    // Written out.
    const c = compileText(`lake x { region = "eu-west-1" }
zone curated { layer = curated }
stream s { shards = 1 }
persona p {
  access   = [athena]
  identity = sso_group "P"
}
dataset h in curated {
  from stream s
  columns { id string; valid_from timestamp; valid_to timestamp?; at timestamp }
  key (id)
  dedup_window = 5
  bitemporal { valid = valid_from .. valid_to; system = at; late = dead_letter }
}
dataset c in curated {
  from stream s
  columns { id string; v long }
  key (id)
  dedup_window = 0
}
grant select on h to p
grant select on c to p
`);
    expect(c.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(validateModel(c.model)).toBe(true);
    expect(c.model!.datasets.find((d) => d.name === 'h')).toMatchObject({ mode: 'bitemporal', dedupWindow: 5, bitemporal: { late: 'dead_letter' } });
    expect(c.model!.datasets.find((d) => d.name === 'c')).toMatchObject({ mode: 'current', dedupWindow: 0 });
  });

  it('rejects a late policy or a dedup window outside its choices, with a suggestion', () => {
    const c = compileText(`lake x { region = "eu-west-1" }
zone curated { layer = curated }
stream s { shards = 1 }
dataset h in curated {
  from stream s
  columns { id string; valid_from timestamp; valid_to timestamp?; at timestamp }
  key (id)
  dedup_window = 4096
  bitemporal { valid = valid_from .. valid_to; system = at; late = deadletter }
}
dataset c in curated {
  from stream s
  columns { id string }
  key (id)
  dedup_window = -1
  dedup_windw = 3
}
`);
    const found = c.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.message, d.hint]);
    expect(found).toEqual([
      ['LAKE1010', "'dedup_window' takes a whole number of events from 0 to 1024, not 4096", 'write it as: dedup_window = 64   (the default is 32; 0 turns duplicate detection off)'],
      ['LAKE1010', "'deadletter' is not a valid late policy", "did you mean 'dead_letter'?"],
      ['LAKE1010', "'dedup_window' takes a whole number of events from 0 to 1024, not -1", 'write it as: dedup_window = 64   (the default is 32; 0 turns duplicate detection off)'],
      ['LAKE1008', "unknown dataset item 'dedup_windw'", "did you mean 'dedup_window'?"],
    ]);
  });

  it('is not produced for a spec with errors', () => {
    const c = compileText('lake x { region = "eu-west-1" }\nzone raw { layer = bronze }');
    expect(c.diagnostics.some((d) => d.severity === 'error')).toBe(true);
    expect(c.model).toBeUndefined();
  });
});
