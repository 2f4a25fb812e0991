/**
 * Target `cdk`: the CDK app in `infra/`. `lake.ts` carries the spec's decisions as data (see
 * definition.ts); the constructs, the app and the Lambda handlers are fixed code from
 * `templates/cdk/`, the same for every lake of a lakec version.
 */
import type { GeneratedFile, GenContext, Target } from '../files.ts';
import { render } from '../templates.ts';
import { docComment, documented, tsLiteral } from '../tsLiteral.ts';
import { acknowledgements } from './acknowledgements.ts';
import { lakeDefinition } from './definition.ts';

/** Fixed files: template path under templates/cdk/ -> output path under infra/. */
const fixed = [
  'app.ts',
  'lake-app.ts',
  'lake-stack.ts',
  'definition.ts',
  'constructs/names.ts',
  'constructs/storage.ts',
  'constructs/governance.ts',
  'constructs/athena.ts',
  'constructs/catalog.ts',
  'constructs/functions.ts',
  'constructs/streaming.ts',
  'constructs/processing.ts',
  'constructs/flink.ts',
  'constructs/consumption.ts',
  'constructs/observability.ts',
  'constructs/maintenance.ts',
  'constructs/datasets.ts',
  'context.ts',
  'policies.ts',
  'preflight.ts',
  'preflight-checks.ts',
  'deploy.ts',
  'functions/aws.ts',
  'functions/custom-resource.ts',
  'functions/catalog-resources.ts',
  'functions/iceberg-table-handler.ts',
  'functions/default-database-handler.ts',
  'functions/catalog-api.ts',
  'functions/catalog-api-handler.ts',
  'functions/permissions-check.ts',
  'functions/permissions-check-handler.ts',
  'functions/flink-aws.ts',
  'functions/flink-control.ts',
  'functions/flink-control-handler.ts',
];

export const cdkTarget: Target = {
  name: 'cdk',
  generate(ctx: GenContext): GeneratedFile[] {
    const files: GeneratedFile[] = fixed.map((f) => ({ path: `infra/${f}`, content: render(`cdk/${f}.hbs`, {}), ownership: 'generated' }));
    const { value } = lakeDefinition(ctx.model, documented);
    const doc = docComment(
      `The ${ctx.model.lake.name} lake as the CDK app builds it: names, sizes, schedules, alarms and Lake Formation permissions, decided by lakec from ${ctx.specName}.`
        + (ctx.model.lake.description !== undefined ? ` ${ctx.model.lake.description}` : ''),
      '',
    );
    files.push({ path: 'infra/lake.ts', content: render('cdk/lake.ts.hbs', { doc, literal: tsLiteral(value, '', 'export const lake: LakeDefinition = '.length) }), ownership: 'generated' });
    const reasons = Object.fromEntries(acknowledgements.map((a) => [a.key, a.reason]));
    files.push({ path: 'infra/nag.ts', content: render('cdk/nag.ts.hbs', { reasons: tsLiteral(reasons, '', 'export const reasons = '.length) }), ownership: 'generated' });
    return files;
  },
};
