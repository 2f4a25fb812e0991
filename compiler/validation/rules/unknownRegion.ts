import { closest } from '../../diagnostics/suggest.ts';
import { allRegions, region, regionNames, regionSource } from '../../model/regions.ts';
import type { Rule } from '../rule.ts';

/** `us-east-1a` (an availability zone), `use1-az4` (a zone id) -> the region they belong to. */
function regionOfZone(name: string): string | undefined {
  const m = /^([a-z]{2}(?:-gov)?-[a-z]+-\d+)[a-z]$/.exec(name);
  return m !== null && region(m[1]!) !== undefined ? m[1] : undefined;
}

/** `Frankfurt`, `Ireland`, `N. Virginia`: the one region whose console name says so. */
function regionNamed(text: string): string | undefined {
  const word = text.trim().toLowerCase();
  if (word.length < 3) return undefined;
  const found = allRegions().filter((r) => r.description.toLowerCase().includes(word));
  return found.length === 1 ? found[0]!.name : undefined;
}

/** A lake's region must be an AWS region: CloudFormation would fail the whole deploy. */
export const unknownRegion: Rule = {
  code: 'LAKE1013',
  severity: 'error',
  title: 'unknown AWS region',
  description:
    'The lake\'s `region` is where every resource is deployed: it must be the code of an AWS region, ' +
    'such as `us-east-1` or `eu-central-1`, not an availability zone (`us-east-1a`), a name from the ' +
    `console (\`Frankfurt\`) or a typo. lakec knows the regions of the AWS commercial, GovCloud (US) and China ` +
    `partitions, from ${regionSource}'s endpoint data (compiler/model/aws-regions.json); the region also decides the ` +
    'partition of the lake\'s ARNs (`arn:aws-us-gov:...` in GovCloud, `arn:aws-cn:...` in China). A region AWS ' +
    'opened after this lakec was released needs a newer lakec.',
  example: 'lake claims {\n  region = "us-esat-1"\n}',
  fixed: 'lake claims {\n  region = "us-east-1"\n}',
  check({ lake, report }) {
    for (const l of lake.lakes) {
      const r = l.region;
      if (r === undefined || region(r.value) !== undefined) continue;
      const zone = regionOfZone(r.value);
      const lower = region(r.value.toLowerCase()) !== undefined ? r.value.toLowerCase() : undefined;
      const named = zone ?? lower ?? regionNamed(r.value);
      const guess = named ?? closest(r.value.toLowerCase(), regionNames());
      const why = zone !== undefined ? `'${r.value}' is an availability zone of ${zone}; a lake is deployed to a region`
        : lower !== undefined ? `region codes are lowercase`
        : named !== undefined ? `the code of ${region(named)!.description} is '${named}'`
        : guess !== undefined ? `did you mean '${guess}'?` : `AWS region codes look like us-east-1 or eu-central-1`;
      report(r.span, `'${r.value}' is not an AWS region`, `${why} (the regions lakec knows: ${regionSource}'s AWS, GovCloud and China partitions)`,
        guess !== undefined ? [{ title: `Change to "${guess}"`, span: r.span, text: JSON.stringify(guess) }] : undefined);
    }
  },
};
