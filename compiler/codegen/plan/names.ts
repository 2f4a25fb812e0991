/**
 * The AWS names a lake's resources get. Every name is derived from spec names only (never from a
 * clock or a path), so a build is byte-stable; a name over its service's limit is cut and given
 * a short hash of the full name, so two long names never collide.
 */
import { createHash } from 'node:crypto';

export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** `name` itself when it fits, else its first characters and a hash of the whole. */
export function fit(name: string, max: number): string {
  if (name.length <= max) return name;
  const hash = shortHash(name);
  return `${name.slice(0, max - hash.length - 1).replace(/[-_.]+$/, '')}-${hash}`;
}

/** `trade_events_raw` -> `TradeEventsRaw`: construct ids and TypeScript names. */
export function pascal(name: string): string {
  return name.split(/[_\-.]+/).filter((p) => p !== '').map((p) => p[0]!.toUpperCase() + p.slice(1)).join('');
}

/** `trade_events_raw` -> `tradeEventsRaw`. */
export function camel(name: string): string {
  const p = pascal(name);
  return p.length === 0 ? p : p[0]!.toLowerCase() + p.slice(1);
}

/** `audit_surveillance` -> `audit-surveillance`: S3 and DNS-like names. */
export function kebab(name: string): string {
  return name.replace(/_/g, '-');
}

/** The CloudFormation stack: `AuditSurveillanceLake`. */
export function stackName(lake: string): string {
  return fit(`${pascal(lake)}Lake`, 128);
}

/**
 * A zone's bucket without its account and region suffix, which the stack appends
 * (`<prefix>-<account>-<region>`): S3 bucket names are global and at most 63 characters.
 */
export function bucketPrefix(lake: string, zone: string, region: string): string {
  // 12 digits of account id, the region and two hyphens.
  return fit(`${kebab(lake)}-${kebab(zone)}`, 63 - 12 - region.length - 2);
}

/** The IAM role a persona's users assume (and Lake Formation grants go to). */
export function personaRoleName(lake: string, persona: string): string {
  return fit(`${lake}-${persona}`, 64);
}

/** Athena workgroups: letters, digits, `.`, `_`, `-`, at most 128. */
export function workgroupName(lake: string, who: string): string {
  return fit(`${lake}-${who}`, 128);
}

export function kinesisStreamName(lake: string, stream: string): string {
  return fit(`${lake}-${stream}`, 128);
}

/** LF-Tag keys are catalog-wide, so each lake prefixes its own: `audit_surveillance.pii`. */
export function lfTagKey(lake: string, classification: string): string {
  return fit(`${lake}.${classification}`, 128);
}

/**
 * The LF-Tag naming a table's dataset, which label-based grants name in their expression. The
 * `:` keeps it apart from every classification's key (`<lake>.<classification>`).
 */
export function datasetTagKey(lake: string): string {
  return fit(`${lake}:dataset`, 128);
}

/** The Managed Flink application that will process a dataset (named here so alarms can watch it). */
export function applicationName(lake: string, dataset: string): string {
  return fit(`${lake}-${dataset}`, 128);
}

/** EventBridge Scheduler names: letters, digits, `.`, `_`, `-`, at most 64. */
export function scheduleName(lake: string, dataset: string, job: string): string {
  return fit(`${lake}-${dataset}-${job}`, 64);
}

/** CloudWatch alarm names, at most 255. */
export function alarmName(lake: string, subject: string, what: string): string {
  return fit(`${lake}-${subject}-${what}`, 255);
}

/** Stands for the deploying account in files lakec writes before any deployment (glue/, lakeformation/). */
export const accountPlaceholder = '${AWS::AccountId}';

/** A zone bucket's name as deployed, with the account left as `${AWS::AccountId}`. */
export function bucketName(lake: string, zone: string, region: string): string {
  return `${bucketPrefix(lake, zone, region)}-${accountPlaceholder}-${region}`;
}

/** The role that runs the Iceberg tables' scheduled maintenance (OPTIMIZE, VACUUM). */
export function tableMaintainerRoleName(lake: string): string {
  return fit(`${lake}-table-maintainer`, 64);
}

/** The role of the catalog custom resource: creates the Iceberg tables (and so owns them). */
export function tableCreatorRoleName(lake: string): string {
  return fit(`${lake}-table-creator`, 64);
}

/**
 * The role of the post-deployment permissions check: a read-only Lake Formation administrator
 * (it lists every principal's permissions on the lake's databases and tables, and grants nothing).
 */
export function permissionsAuditorRoleName(lake: string): string {
  return fit(`${lake}-permissions-auditor`, 64);
}

/** The role CloudFormation deploys with: the CDK bootstrap's execution role, default qualifier. */
export function deployRoleArn(region: string): string {
  return `arn:aws:iam::${accountPlaceholder}:role/cdk-hnb659fds-cfn-exec-role-${accountPlaceholder}-${region}`;
}
