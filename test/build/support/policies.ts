/**
 * parliament (PyPI, offline; test/build/policy_lint.py) over the policy documents of a generated
 * project, as the project's own `infra/policies.ts` gathers and resolves them (the documents its
 * preflight hands to IAM Access Analyzer): identity, trust, bucket, key, topic and
 * permission-set policies.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Template } from './out.ts';

export type PolicyKind = 'identity' | 'trust' | 'bucket' | 'key' | 'topic' | 'permission set';

export interface PolicyDocument {
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

export interface Place {
  readonly account: string;
  readonly region: string;
}

/** What the tests use of a generated project's infra/policies.ts. */
export interface ProjectPolicies {
  resolveValue(t: Template, value: unknown, place: Place, parameters?: Record<string, unknown>): unknown;
  policyDocuments(t: Template, extra: readonly { readonly name: string; readonly document: unknown }[], place: Place): PolicyDocument[];
}

export const lintPlace: Place = { account: '111122223333', region: 'us-east-1' };

/** The project's infra/policies.ts. */
export async function projectPolicies(dir: string): Promise<ProjectPolicies> {
  return (await import(pathToFileURL(join(dir, 'infra', 'policies.ts')).href)) as ProjectPolicies;
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
