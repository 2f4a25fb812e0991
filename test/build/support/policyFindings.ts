/**
 * What parliament reports on the generated policies and why each finding is accepted: the
 * record that the policy linter ran with zero unexplained findings. A finding matches an entry
 * by its issue, the kind of policy and the policy's logical id (without CDK's hash). Every entry
 * must still match a finding of some example, so a fixed finding's reason does not linger.
 */
import type { PolicyFinding } from './policies.ts';

export interface AcceptedFinding {
  readonly issue: string;
  /** `<kind> <logical id>`, as `PolicyDocument.id` names it, without the hash. */
  readonly policy: RegExp;
  readonly reason: string;
}

export const acceptedFindings: readonly AcceptedFinding[] = [
  {
    issue: 'PERMISSIONS_MANAGEMENT_ACTIONS',
    policy: /^key (StorageKey|ObservabilityAuditKey)$/,
    reason: "The key policy's account statement (kms:* for the account root, AWS's default key policy) delegates the key to IAM, so that IAM policies (with their kms:ViaService conditions) decide who uses it; key administration stays with the account's IAM administrators.",
  },
  {
    issue: 'RESOURCE_MISMATCH',
    policy: /^key (StorageKey|ObservabilityAuditKey)$/,
    reason: "In a key policy the resource is always the key itself; parliament checks kms:* against the key's ARN and lists the account-level actions (CreateKey, CreateAlias, custom key stores) that a key policy cannot grant anyway.",
  },
  {
    issue: 'CREDENTIALS_EXPOSURE',
    policy: /^trust Governance(PermissionsAuditor|DataAccessRole|TableCreator|TableMaintainer|[A-Za-z]+Role)$|^trust ConsumptionCatalogApiRole$|^trust [A-Za-z]+(ServiceRole|Role)$/,
    reason: "A trust policy's sts:AssumeRole is what gives the role's credentials to the principal it trusts: that is the purpose of the statement (each names one service, persona identity or the catalog API's function).",
  },
  {
    issue: 'CREDENTIALS_EXPOSURE',
    policy: /^identity ConsumptionCatalogApiRoleDefaultPolicy$/,
    reason: "The catalog API's function assumes the calling api persona's role (sts:AssumeRole on those roles only) so that Lake Formation applies the persona's grants to each request.",
  },
  {
    issue: 'CREDENTIALS_EXPOSURE',
    policy: /^permission set /,
    reason: "An IAM Identity Center permission set's inline policy lets its users assume their persona roles (sts:AssumeRole on exactly those roles): the step Identity Center needs.",
  },
  {
    issue: 'PERMISSIONS_MANAGEMENT_ACTIONS',
    policy: /^identity FlinkControlRoleDefaultPolicy$/,
    reason: 'The Flink control function passes exactly the scheduler role, to scheduler.amazonaws.com only (iam:PassedToService), to the one-time schedule that ends a scaling peak.',
  },
  {
    issue: 'RESOURCE_MISMATCH',
    policy: /^identity Flink[A-Za-z]+RoleDefaultPolicy$/,
    reason: "A processor slot grants a Kinesis consumer's read actions on the stream's ARN (ProcessingSlot's streamReadActions, aws-cdk-lib's Stream.grantRead): SubscribeToShard and DescribeStreamConsumer, which take a consumer's ARN, and ListStreams, which takes none, grant nothing there; an application reading through enhanced fan-out gets them on its own consumer's ARN (the slot's Consumer policy).",
  },
  {
    issue: 'RESOURCE_MISMATCH',
    policy: /^identity Flink[A-Za-z]+RoleLogsPolicy$/,
    reason: "Managed Flink lists log groups before it logs; its documented policy scopes logs:DescribeLogGroups to the account's log groups in the region (log-group:*), narrower than the \"*\" parliament's catalog asks for.",
  },
];

/** The policy's id without CDK's 8-character hash: `trust GovernanceTableCreator`. */
export function unhashed(id: string): string {
  return id.replace(/[0-9A-F]{8}(?=$| )/g, '');
}

/** The entry that accepts `f`, if any. */
export function acceptance(f: PolicyFinding): AcceptedFinding | undefined {
  return acceptedFindings.find((a) => a.issue === f.issue && a.policy.test(unhashed(f.id)));
}
