/**
 * Every IAM policy document of a synthesized app, linted with parliament (PyPI, offline;
 * test/build/policy_lint.py): identity policies (policies, managed policies, roles' inline
 * policies, the Identity Center permission-set policies lakec writes), trust policies, bucket,
 * key and topic policies, with their CloudFormation values resolved in one account and region.
 * parliament reads identity policies: a resource policy's statements are linted with the resource
 * they govern named (a trust policy's role; a key policy's `*`, which means the key itself).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Template } from './out.ts';
import { resolveValue, type Place } from './resolve.ts';

export type PolicyKind = 'identity' | 'trust' | 'bucket' | 'key' | 'topic' | 'permission set';

export interface PolicyDocument {
  /** `<kind> <logical id>[ <policy name>]`. */
  readonly id: string;
  readonly kind: PolicyKind;
  readonly document: { readonly Version?: string; readonly Statement: readonly Record<string, unknown>[] };
}

export interface PolicyFinding {
  readonly id: string;
  readonly issue: string;
  readonly severity: string;
  readonly detail: string;
}

export const lintPlace: Place = { account: '111122223333', region: 'us-east-1' };

function statements(doc: unknown): Record<string, unknown>[] {
  const s = (doc as { Statement: unknown }).Statement;
  return (Array.isArray(s) ? s : [s]) as Record<string, unknown>[];
}

/** Every policy document of `t` (a merged template) and of `extra` (the permission sets), resolved. */
export function policyDocuments(t: Template, extra: readonly { readonly name: string; readonly document: unknown }[] = [], place: Place = lintPlace): PolicyDocument[] {
  const out: PolicyDocument[] = [];
  const add = (kind: PolicyKind, id: string, doc: unknown, resource?: string): void => {
    const resolved = resolveValue(t, doc, place) as { Version?: string };
    const st = statements(resolved).map((s) => {
      if (resource === undefined) return s;
      const named = s['Resource'] === undefined && s['NotResource'] === undefined ? { ...s, Resource: resource } : s;
      return kind === 'key' && named['Resource'] === '*' ? { ...named, Resource: resource } : named;
    });
    out.push({ id: `${kind} ${id}`, kind, document: { ...(resolved.Version !== undefined ? { Version: resolved.Version } : {}), Statement: st } });
  };
  for (const [id, r] of Object.entries(t.Resources)) {
    const p = r.Properties ?? {};
    switch (r.Type) {
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::ManagedPolicy':
        add('identity', id, p['PolicyDocument']);
        break;
      case 'AWS::IAM::Role': {
        add('trust', id, p['AssumeRolePolicyDocument'], resolveValue(t, { 'Fn::GetAtt': [id, 'Arn'] }, place) as string);
        for (const inline of (p['Policies'] ?? []) as { PolicyName: string; PolicyDocument: unknown }[]) add('identity', `${id} ${inline.PolicyName}`, inline.PolicyDocument);
        break;
      }
      case 'AWS::S3::BucketPolicy':
        add('bucket', id, p['PolicyDocument']);
        break;
      case 'AWS::KMS::Key':
        add('key', id, p['KeyPolicy'], resolveValue(t, { 'Fn::GetAtt': [id, 'Arn'] }, place) as string);
        break;
      case 'AWS::SNS::TopicPolicy':
        add('topic', id, p['PolicyDocument']);
        break;
      default:
    }
  }
  for (const e of extra) {
    const text = JSON.stringify(e.document).split('${AWS::AccountId}').join(place.account);
    out.push({ id: `permission set ${e.name}`, kind: 'permission set', document: JSON.parse(text) as PolicyDocument['document'] });
  }
  return out;
}

/** parliament's findings on `policies` (python3 and parliament must be installed: test/setup.sh). */
export function lintPolicies(policies: readonly PolicyDocument[]): PolicyFinding[] {
  const r = spawnSync('python3', [join(import.meta.dirname, '..', 'policy_lint.py')], { input: JSON.stringify(policies), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    if (/No module named 'parliament'/.test(r.stderr)) throw new Error('parliament is required by these tests and was not found: pip install parliament (test/setup.sh installs it)');
    throw new Error(`parliament failed: ${r.stderr}`);
  }
  return JSON.parse(r.stdout) as PolicyFinding[];
}
