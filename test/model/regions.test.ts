/**
 * compiler/model/aws-regions.json, the one list of AWS regions lakec knows, against botocore's
 * endpoint data (test/setup.sh installs botocore): the same regions, partitions and names when the
 * installed botocore is the version the file names; no region botocore does not know otherwise
 * (a newer botocore may know regions AWS opened since: regenerate the file then).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import data from '../../compiler/model/aws-regions.json' with { type: 'json' };
import { shardQuota } from '../../compiler/model/capacity.ts';
import { region } from '../../compiler/model/regions.ts';

interface Botocore { version: string; partitions: Record<string, Record<string, string>> }

function botocore(): Botocore {
  const script = [
    'import botocore, json, os',
    "d = json.load(open(os.path.join(os.path.dirname(botocore.__file__), 'data', 'endpoints.json')))",
    "print(json.dumps({'version': botocore.__version__, 'partitions': {p['partition']: {r: v.get('description', '') for r, v in p['regions'].items()} for p in d['partitions']}}))",
  ].join('\n');
  const r = spawnSync('python3', ['-c', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`botocore is needed (test/setup.sh installs it): ${r.stderr}`);
  return JSON.parse(r.stdout) as Botocore;
}

describe('aws-regions.json', () => {
  const b = botocore();
  const ours: Record<string, Record<string, string>> = Object.fromEntries(data.partitions.map((p) => [p.partition, Object.fromEntries(Object.entries(p.regions).filter((e): e is [string, string] => typeof e[1] === 'string'))]));

  it('holds the commercial, GovCloud and China partitions, each region as botocore names it', () => {
    expect(Object.keys(ours)).toEqual(['aws', 'aws-us-gov', 'aws-cn']);
    for (const [partition, regions] of Object.entries(ours)) {
      for (const [name, description] of Object.entries(regions)) expect(b.partitions[partition]?.[name], `${partition} ${name}`).toBe(description);
    }
  });

  it(`is every region of botocore ${data.source.version} in those partitions`, () => {
    const same = b.version === data.source.version;
    for (const partition of Object.keys(ours)) {
      const missing = Object.keys(b.partitions[partition] ?? {}).filter((r) => ours[partition]![r] === undefined);
      if (same) expect(missing, partition).toEqual([]);
      else if (missing.length > 0) console.warn(`botocore ${b.version} knows regions aws-regions.json (from ${data.source.version}) does not: ${missing.join(', ')}`);
    }
  });

  it('knows the regions other tables of lakec name', () => {
    for (const r of ['us-east-1', 'us-west-2', 'eu-west-1']) {
      expect(region(r)?.partition).toBe('aws');
      expect(shardQuota(r)).toBe(500);
    }
    expect(region('us-gov-west-1')?.partition).toBe('aws-us-gov');
    expect(region('cn-north-1')?.partition).toBe('aws-cn');
  });
});
