/**
 * CloudFormation values of a synthesized template resolved as CloudFormation would in one
 * account and region: pseudo parameters, `Ref` and `Fn::GetAtt` of the lake's resources (names
 * and ARNs), `Fn::Join` and `Fn::Sub`. For tests that hand the template's documents and
 * properties to tools and servers that know nothing of CloudFormation (parliament, moto).
 */
import type { Template } from './out.ts';

export interface Place {
  readonly account: string;
  readonly region: string;
}

type Resource = Template['Resources'][string];

/** The physical name a resource's `Ref` gives, where the lake names it (or a stand-in from its logical id). */
function nameOf(t: Template, id: string, r: Resource, place: Place): string {
  const p = r.Properties ?? {};
  const named = (key: string): string | undefined => (p[key] !== undefined ? String(resolveValue(t, p[key], place)) : undefined);
  switch (r.Type) {
    case 'AWS::S3::Bucket': return named('BucketName') ?? id.toLowerCase();
    case 'AWS::IAM::Role': return named('RoleName') ?? `stack-${id}`;
    case 'AWS::Lambda::Function': return named('FunctionName') ?? `stack-${id}`;
    case 'AWS::Kinesis::Stream': return named('Name') ?? `stack-${id}`;
    case 'AWS::Athena::WorkGroup': return named('Name') ?? id;
    case 'AWS::Glue::Database': return String(resolveValue(t, p['DatabaseInput'].Name, place));
    case 'AWS::KMS::Key': return `${id.toLowerCase().slice(0, 8)}-0000-4000-8000-000000000000`;
    case 'AWS::SNS::Topic': return `arn:aws:sns:${place.region}:${place.account}:${named('TopicName') ?? id}`;
    case 'AWS::ApiGatewayV2::Api': return id.toLowerCase().slice(0, 10);
    default: return id;
  }
}

function arnOf(t: Template, id: string, r: Resource, place: Place): string {
  const name = nameOf(t, id, r, place);
  const { account, region } = place;
  switch (r.Type) {
    case 'AWS::S3::Bucket': return `arn:aws:s3:::${name}`;
    case 'AWS::IAM::Role': return `arn:aws:iam::${account}:role/${name}`;
    case 'AWS::IAM::ManagedPolicy': return `arn:aws:iam::${account}:policy/${name}`;
    case 'AWS::Lambda::Function': return `arn:aws:lambda:${region}:${account}:function:${name}`;
    case 'AWS::Kinesis::Stream': return `arn:aws:kinesis:${region}:${account}:stream/${name}`;
    case 'AWS::KMS::Key': return `arn:aws:kms:${region}:${account}:key/${name}`;
    case 'AWS::SNS::Topic': return name;
    case 'AWS::Logs::LogGroup': return `arn:aws:logs:${region}:${account}:log-group:${id}:*`;
    case 'AWS::CloudTrail::Trail': return `arn:aws:cloudtrail:${region}:${account}:trail/${id}`;
    default: return `arn:aws:cloudformation:${region}:${account}:resource/${id}`;
  }
}

/** `value` with every intrinsic function resolved. */
export function resolveValue(t: Template, value: unknown, place: Place): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveValue(t, v, place));
  if (typeof value !== 'object' || value === null) return value;
  const o = value as Record<string, unknown>;
  const pseudo: Record<string, string> = { 'AWS::AccountId': place.account, 'AWS::Region': place.region, 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com', 'AWS::StackName': 'LakeStack' };
  if (typeof o['Ref'] === 'string' && Object.keys(o).length === 1) {
    const ref = o['Ref'];
    if (ref in pseudo) return pseudo[ref];
    const r = t.Resources[ref];
    if (r === undefined) throw new Error(`cannot resolve Ref ${ref}`);
    return r.Type === 'AWS::KMS::Key' || r.Type === 'AWS::IAM::ManagedPolicy' ? arnOf(t, ref, r, place) : nameOf(t, ref, r, place);
  }
  if (Array.isArray(o['Fn::GetAtt']) && Object.keys(o).length === 1) {
    const [id, attr] = o['Fn::GetAtt'] as [string, string];
    const r = t.Resources[id];
    if (r === undefined) throw new Error(`cannot resolve GetAtt ${id}.${attr}`);
    if (attr === 'Arn') return arnOf(t, id, r, place);
    if (attr === 'ApiEndpoint') return `https://${nameOf(t, id, r, place)}.execute-api.${place.region}.amazonaws.com`;
    return `${id}.${attr}`;
  }
  if (Array.isArray(o['Fn::Join']) && Object.keys(o).length === 1) {
    const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
    return (resolveValue(t, parts, place) as unknown[]).map(String).join(sep);
  }
  if (o['Fn::Sub'] !== undefined && Object.keys(o).length === 1) {
    const [text, vars] = typeof o['Fn::Sub'] === 'string' ? [o['Fn::Sub'], {}] : (o['Fn::Sub'] as [string, Record<string, unknown>]);
    return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
      if (name in vars) return String(resolveValue(t, vars[name], place));
      if (name in pseudo) return pseudo[name]!;
      const [id, attr] = name.split('.');
      return String(resolveValue(t, attr !== undefined ? { 'Fn::GetAtt': [id, attr] } : { Ref: id }, place));
    });
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, resolveValue(t, v, place)]));
}
