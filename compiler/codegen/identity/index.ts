/**
 * Target `identity`: `identity-center/permission-sets.json`, for lakes with `sso_group` personas.
 * A persona role trusts the IAM Identity Center roles of the permission set named after its
 * group; an account principal in a trust policy also needs the caller's own permission, so each
 * such permission set needs an inline policy allowing `sts:AssumeRole` on its persona roles.
 * Permission sets live in Identity Center (the management or delegated administrator account),
 * not in the lake's stack: this file gives each one's name, the account to assign it in, its
 * group and the inline policy (`${AWS::AccountId}` stands for the lake's account). The stack
 * outputs the same policies, resolved (`PermissionSetPolicy<Group>`).
 */
import type { GeneratedFile, GenContext, Target } from '../files.ts';
import { stableJson } from '../files.ts';
import { accountPlaceholder, personaRoleName } from '../plan/names.ts';

export function permissionSets(ctx: GenContext): unknown[] {
  const groups = new Map<string, string[]>();
  for (const p of ctx.model.personas) if (p.identity.kind === 'sso_group') groups.set(p.identity.group, [...(groups.get(p.identity.group) ?? []), p.name]);
  return [...groups.entries()].map(([group, personas]) => ({
    PermissionSetName: group,
    Group: group,
    AccountId: accountPlaceholder,
    Personas: personas,
    InlinePolicy: {
      Version: '2012-10-17',
      Statement: [{
        Sid: 'AssumeLakePersonaRoles',
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: personas.map((p) => `arn:aws:iam::${accountPlaceholder}:role/${personaRoleName(ctx.model.lake.name, p)}`),
      }],
    },
  }));
}

export const identityTarget: Target = {
  name: 'identity',
  generate(ctx: GenContext): GeneratedFile[] {
    const sets = permissionSets(ctx);
    if (sets.length === 0) return [];
    return [{ path: 'identity-center/permission-sets.json', content: stableJson({ PermissionSets: sets }), ownership: 'generated' }];
  },
};
