/**
 * The AWS regions lakec knows, from one data file (aws-regions.json: every region of the
 * commercial, GovCloud and China partitions in botocore's endpoints data; its `source` says which
 * botocore). A lake's `region` must be one of them, and an IAM role ARN of the lake must be in the
 * region's partition.
 */
import data from './aws-regions.json' with { type: 'json' };

export interface Region {
  readonly name: string;
  readonly description: string;
  /** `aws`, `aws-us-gov` or `aws-cn`: the first field after `arn:` of the lake's ARNs. */
  readonly partition: string;
  readonly partitionName: string;
}

const regions: ReadonlyMap<string, Region> = new Map(
  data.partitions.flatMap((p) => Object.entries(p.regions).map(([name, description]) => [name, { name, description, partition: p.partition, partitionName: p.name }] as const)),
);

export const partitions: readonly string[] = data.partitions.map((p) => p.partition);

/** Where the list comes from, for messages: `botocore 1.43.11`. */
export const regionSource = `${data.source.package} ${data.source.version}`;

export function region(name: string): Region | undefined {
  return regions.get(name);
}

export function regionNames(): string[] {
  return [...regions.keys()];
}

export function allRegions(): Region[] {
  return [...regions.values()];
}
