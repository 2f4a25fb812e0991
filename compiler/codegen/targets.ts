/** The output targets, in the order their files are listed. Each target lives in its own folder. */
import { cdkTarget } from './cdk/index.ts';
import { flinkTarget } from './flink/index.ts';
import type { Target } from './files.ts';
import { glueTarget } from './glue/index.ts';
import { identityTarget } from './identity/index.ts';
import { lakeFormationTarget } from './lakeformation/index.ts';
import { loadtestTarget } from './loadtest/index.ts';
import { processorsTarget } from './processors/index.ts';
import { projectTarget } from './project/index.ts';
import { runtimeTarget } from './runtime/index.ts';

export const targets: readonly Target[] = [projectTarget, cdkTarget, glueTarget, lakeFormationTarget, identityTarget, processorsTarget, loadtestTarget, runtimeTarget, flinkTarget];
