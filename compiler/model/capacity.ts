/**
 * Kinesis write capacity, from AWS's documented limits (FIELD-NOTES.md): a provisioned shard
 * takes 1,000 records/s or 1 MiB/s; an on-demand stream scales up to 200,000 records/s and
 * 200 MiB/s of writes under the default quota.
 */
export const MiB = 1024 * 1024;

/**
 * The processors commit to Iceberg at each checkpoint, every 60 s by default on Managed Service
 * for Apache Flink (FIELD-NOTES.md) and on the local runtime: a row becomes queryable at the
 * commit after it is processed, so it can wait up to this long.
 */
export const checkpointIntervalSeconds = 60;
export const perShard = { recordsPerSecond: 1_000, bytesPerSecond: MiB } as const;
export const onDemandDefault = { recordsPerSecond: 200_000, bytesPerSecond: 200 * MiB } as const;
/** Default shard quota per account and region (500 in us-east-1, us-west-2, eu-west-1; 200 elsewhere). */
export function shardQuota(region: string | undefined): number {
  return region === 'us-east-1' || region === 'us-west-2' || region === 'eu-west-1' ? 500 : 200;
}

export type Capacity = { readonly mode: 'provisioned'; readonly shards: number } | { readonly mode: 'on_demand' };

export function writeCapacity(c: Capacity): { recordsPerSecond: number; bytesPerSecond: number } {
  if (c.mode === 'on_demand') return { ...onDemandDefault };
  return { recordsPerSecond: c.shards * perShard.recordsPerSecond, bytesPerSecond: c.shards * perShard.bytesPerSecond };
}

/**
 * Records per second one KPU (1 vCPU, 4 GB) of the generated Flink job sustains, for sizing: the
 * job measured in a local MiniCluster by `npm run bench -- --only flink` (parallelism 2, RocksDB,
 * the benchmark's bi-temporal trades, about two stored rows per event) held 8,300 to 9,600
 * events per CPU second in steady state; 7,500 leaves headroom. docs/build.md, "Sizing the Flink
 * application", gives the measurement.
 */
export const flinkRecordsPerKpuSecond = 7_500;
