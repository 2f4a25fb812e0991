/**
 * The lakec runtime: what generated processors import (docs/runtime.md). Flink-style building
 * blocks, one concern per module: sources (sources/), row mapping and validation (mapping.ts,
 * coerce.ts, checks.ts), keyed operators (operators/) over the bi-temporal core (bitemporal/),
 * partitions and their workers (partition.ts, parallel/), checkpoints (checkpoint/), the DuckDB
 * warehouse sink (sink/), and the job that runs them (job.ts).
 */
export { Processor, type DeadLetterRecord, type ReplayResult, type RunOptions } from './processor.ts';
export { runJob, type CheckpointPolicy, type JobOptions, type JobResult, type Progress } from './job.ts';
export { layoutOf, tableColumns, typeText, SYSTEM_FROM, SYSTEM_TO, type CheckSpec, type ColumnSpec, type DatasetSpec, type SourceSpec, type TypeSpec } from './dataset.ts';
export { compileCheck, type CheckExpr, type Predicate } from './checks.ts';
export { RowMapper, isRejection, type MappedEvent, type Rejection } from './mapping.ts';
export { emptyMetrics, type Lag, type Metrics } from './metrics.ts';
export { Partition, partitionOf } from './partition.ts';
export { Warehouse, WarehouseError, tableNames } from './sink/duckdb.ts';
export { ArraySource } from './sources/array.ts';
export { FileSource } from './sources/file.ts';
export { KinesisSource, type KinesisSourceOptions } from './sources/kinesis.ts';
export type { Position, RecordBatch, Source, SourceOffset } from './sources/source.ts';
export { runLoadTestCli, EventGenerator, GeneratorError, renderHtml, type LoadTestReport, type LoadTestSpec, type TrafficMix } from './loadtest/index.ts';
