/**
 * Load tests of a dataset's SLA (docs/build.md, "Load tests"): the seeded event generator
 * (generator.ts, over the check solver of domain.ts and the value pools of values.ts), the
 * local and kinesis targets (local.ts, kinesis.ts), what they measure (measure.ts), the report
 * (report.ts, html.ts) and the command line a generated project runs (cli.ts).
 */
export { runLoadTestCli, UsageError, type CliContext } from './cli.ts';
export { BAD_KINDS, DEFAULT_MIX, EventGenerator, GeneratorError, GOOD_KINDS, KINDS, type BadKind, type EventKind, type GeneratorOptions, type Outcome, type Prediction, type TrafficMix } from './generator.ts';
export { renderHtml } from './html.ts';
export { runLocal, type LocalOptions } from './local.ts';
export { runKinesis, publish, type KinesisOptions, type PublishStats } from './kinesis.ts';
export { buildReport, type LoadTestReport, type LoadTestSpec, type Verdict } from './report.ts';
