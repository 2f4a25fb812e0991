import type { Fix, Span } from '../../diagnostics/diagnostic.ts';
import { partitions, region } from '../../model/regions.ts';
import type { Rule } from '../rule.ts';

interface ArnProblem {
  /** Offsets into the ARN: [start, end). */
  readonly start: number;
  readonly end: number;
  readonly message: string;
  readonly hint: string;
  /** The repaired ARN, when the repair is obvious. */
  readonly fixed?: string;
}

const example = 'arn:aws:iam::123456789012:role/claims-reader';

/**
 * What is wrong with `arn` as the ARN of an IAM role in `partition` (undefined: not known, the
 * region is wrong): `arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME`, per the IAM identifiers
 * reference (an account of 12 digits, no region, a role name of 1-64 characters of
 * `A-Za-z0-9+=,.@_-`, a path of printable ASCII up to 512 characters).
 */
export function roleArnProblem(arn: string, partition: string | undefined): ArnProblem | undefined {
  const all = { start: 0, end: arn.length };
  if (!arn.startsWith('arn:')) {
    return { ...all, message: `'${arn}' is not an ARN`, hint: `an IAM role ARN reads ${example}; an SSO group is identity = sso_group "NAME"` };
  }
  const fields: { text: string; start: number }[] = [];
  let at = 0;
  for (let i = 0; i < 5; i++) {
    const colon = arn.indexOf(':', at);
    if (colon < 0) break;
    fields.push({ text: arn.slice(at, colon), start: at });
    at = colon + 1;
  }
  fields.push({ text: arn.slice(at), start: at });
  if (fields.length < 6) return { ...all, message: `'${arn}' has ${fields.length} of the 6 fields of an ARN`, hint: `an IAM role ARN reads ${example}` };
  const [, part, service, reg, account, resource] = fields as [unknown, typeof fields[0], typeof fields[0], typeof fields[0], typeof fields[0], typeof fields[0]];
  const span = (f: { text: string; start: number }): { start: number; end: number } => ({ start: f.start, end: f.start + Math.max(1, f.text.length) });
  const replace = (f: { text: string; start: number }, text: string): string => arn.slice(0, f.start) + text + arn.slice(f.start + f.text.length);
  if (!partitions.includes(part.text)) {
    return { ...span(part), message: `'${part.text}' is not an AWS partition`, hint: `the partition is ${partitions.join(', ')}${partition !== undefined ? `; for this lake's region, ${partition}` : ''}`, ...(partition !== undefined ? { fixed: replace(part, partition) } : {}) };
  }
  if (partition !== undefined && part.text !== partition) {
    return { ...span(part), message: `the role is in the partition '${part.text}', but the lake's region is in '${partition}'`, hint: `a role of this lake's account has an ARN starting arn:${partition}:iam::`, fixed: replace(part, partition) };
  }
  if (service.text === 'sts' && resource.text.startsWith('assumed-role/')) {
    const role = resource.text.split('/')[1] ?? '';
    const fixed = `arn:${part.text}:iam::${account.text}:role/${role}`;
    return { ...all, message: 'this is the ARN of an assumed-role session (sts), not of a role', hint: `the role's ARN is ${fixed} (a session ARN names one session, and the role may have a path: copy the role ARN from IAM)`, fixed };
  }
  if (service.text !== 'iam') return { ...span(service), message: `an ARN of the service '${service.text}', not an IAM role`, hint: `an IAM role ARN reads ${example}` };
  if (reg.text !== '') return { ...span(reg), message: `IAM ARNs have no region, not '${reg.text}'`, hint: 'IAM is global: leave the region field empty (arn:aws:iam::ACCOUNT:...)', fixed: replace(reg, '') };
  if (!/^\d{12}$/.test(account.text)) {
    const digits = /^\d+$/.test(account.text) ? `${account.text.length} digits` : `'${account.text}'`;
    return { ...span(account), message: `the account ID must be 12 digits, not ${digits}`, hint: 'an AWS account ID has exactly 12 digits (keep its leading zeros)' };
  }
  const slash = resource.text.indexOf('/');
  const kind = slash < 0 ? resource.text : resource.text.slice(0, slash);
  if (kind !== 'role') {
    const known = ['user', 'group', 'policy', 'instance-profile', 'saml-provider', 'oidc-provider'].includes(kind);
    const message = known ? `the ARN names an IAM ${kind.replace('-', ' ')}, not a role: its resource must start with role/` : `the ARN's resource '${resource.text}' does not start with role/`;
    return { ...span(resource), message, hint: `an IAM role ARN reads ${example}; Lake Formation grants go to roles (or SSO groups)`, ...(slash < 0 ? { fixed: replace(resource, `role/${resource.text}`) } : {}) };
  }
  const rest = resource.text.slice(slash + 1);
  const lastSlash = rest.lastIndexOf('/');
  const name = rest.slice(lastSlash + 1);
  const nameStart = resource.start + slash + 1 + lastSlash + 1;
  const path = `/${rest.slice(0, lastSlash + 1)}`;
  if (name === '') return { start: resource.start, end: resource.start + resource.text.length, message: 'the ARN has no role name after its path', hint: `a role ARN ends with the role's name: ${example}` };
  if (name.length > 64) return { start: nameStart, end: nameStart + name.length, message: `the role name has ${name.length} characters; IAM allows at most 64`, hint: 'is this the right ARN?' };
  const bad = /[^A-Za-z0-9+=,.@_-]/.exec(name);
  if (bad !== null) return { start: nameStart + bad.index, end: nameStart + bad.index + 1, message: `a role name cannot contain '${bad[0]}'`, hint: 'role names take letters, digits and + = , . @ _ -' };
  if (path.length > 512 || /[^\x21-\x7e]/.test(path)) return { start: resource.start + slash + 1, end: nameStart, message: 'the role path must be at most 512 printable ASCII characters, without spaces', hint: `a role ARN reads ${example} or arn:aws:iam::123456789012:role/service-role/claims-reader` };
  return undefined;
}

/** A persona's `iam_role` must be an IAM role ARN: Lake Formation refuses anything else at deploy time. */
export const invalidRoleArn: Rule = {
  code: 'LAKE6106',
  severity: 'error',
  title: 'invalid IAM role ARN',
  description:
    'A persona with `identity = iam_role "ARN"` receives its Lake Formation grants on that role, and the ' +
    'deploy fails when the ARN does not name one. An IAM role ARN reads `arn:PARTITION:iam::ACCOUNT:role/NAME` ' +
    '(or `role/PATH/NAME`): the partition of the lake\'s region (`aws`; `aws-us-gov` in GovCloud, `aws-cn` in ' +
    'China), the service `iam`, no region, a 12-digit account ID, and a role name of at most 64 letters, digits ' +
    'and `+=,.@_-`. A user ARN (`user/...`) or an assumed-role session ARN (`arn:aws:sts::...:assumed-role/...`, ' +
    'what `aws sts get-caller-identity` prints) is not a role. The diagnostic points at the field that is wrong.',
  example: 'persona claims_service {\n  access   = [api]\n  identity = iam_role "arn:aws:iam::12345678901:user/claims-reader"\n}',
  fixed: 'persona claims_service {\n  access   = [api]\n  identity = iam_role "arn:aws:iam::123456789012:role/claims-reader"\n}',
  check({ lake, report }) {
    const r = lake.lakes[0]?.region?.value;
    const partition = r !== undefined ? region(r)?.partition : undefined;
    for (const p of lake.personas) {
      const id = p.identity;
      if (id?.value.kind !== 'iam_role') continue;
      const arn = id.value.arn;
      const problem = roleArnProblem(arn, partition);
      if (problem === undefined) continue;
      // Offsets map into the source only when the literal has no escapes: "..." around the value.
      const literal = id.valueSpan;
      const exact = literal.end - literal.start === arn.length + 2;
      const at: Span = exact ? { file: literal.file, start: literal.start + 1 + problem.start, end: literal.start + 1 + Math.max(problem.end, problem.start + 1) } : literal;
      const fixes: Fix[] = problem.fixed !== undefined && roleArnProblem(problem.fixed, partition) === undefined
        ? [{ title: `Change to "${problem.fixed}"`, span: literal, text: JSON.stringify(problem.fixed) }] : [];
      report(at, `persona '${p.name}': ${problem.message}`, problem.hint, fixes);
    }
  },
};
