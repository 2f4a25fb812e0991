/** Decoding column types: `decimal(18, 4)`, `list<struct<a: string>>`, `map<string, long>?`. */
import type { DiagnosticBag } from '../diagnostics/diagnostic.ts';
import { didYouMean } from '../diagnostics/suggest.ts';
import type * as A from '../syntax/ast.ts';
import { primitiveTypes, type FieldType, type LakeType, type PrimitiveName, type StructField } from './symbols.ts';

export const typeCodes = { unknownType: 'LAKE2001', typeArguments: 'LAKE2010' } as const;
const allTypeNames = [...primitiveTypes, 'decimal', 'list', 'map', 'struct'];

export function decodeType(node: A.TypeNode, bag: DiagnosticBag): LakeType {
  const name = node.name.name;
  const span = node.span;
  const argsOk = (n: number | 'some', usage: string): boolean => {
    const count = node.args.length;
    if (!node.hasArgs || (n === 'some' ? count === 0 : count !== n)) {
      bag.error(typeCodes.typeArguments, span, `${name} needs ${n === 'some' ? 'at least one field' : n === 1 ? 'one type argument' : 'two type arguments'}: ${usage}`);
      return false;
    }
    return true;
  };
  if ((primitiveTypes as readonly string[]).includes(name)) {
    if (node.hasArgs || node.hasParams) {
      bag.error(typeCodes.typeArguments, span, `${name} takes no ${node.hasArgs ? 'type arguments' : 'parameters'}`, `write just '${name}'`);
    }
    return { kind: 'primitive', name: name as PrimitiveName, span };
  }
  switch (name) {
    case 'decimal': {
      if (node.hasArgs) bag.error(typeCodes.typeArguments, span, 'decimal takes a precision and a scale in parentheses: decimal(18, 4)');
      // Precision and scale are range-checked by the decimal rule; NaN marks them missing.
      const [p, s] = node.params;
      return { kind: 'decimal', precision: p?.value ?? NaN, scale: node.params.length === 2 ? s!.value : NaN, span };
    }
    case 'list':
      if (!argsOk(1, 'list<string>')) return { kind: 'unknown', span };
      return { kind: 'list', element: field(node.args[0]!, bag), span };
    case 'map':
      if (!argsOk(2, 'map<string, long>')) return { kind: 'unknown', span };
      return { kind: 'map', key: field(node.args[0]!, bag), value: field(node.args[1]!, bag), span };
    case 'struct': {
      if (!argsOk('some', 'struct<city: string, country: string>')) return { kind: 'unknown', span };
      const fields: StructField[] = [];
      const seen = new Set<string>();
      for (const a of node.args) {
        if (a.field === undefined) {
          bag.error(typeCodes.typeArguments, a.type.span, 'each struct field needs a name: struct<city: string>');
          continue;
        }
        if (seen.has(a.field.name)) {
          bag.error('LAKE1005', a.field.span, `the struct field '${a.field.name}' is declared twice`);
          continue;
        }
        seen.add(a.field.name);
        fields.push({ name: { value: a.field.name, span: a.field.span }, ...field(a, bag) });
      }
      return { kind: 'struct', fields, span };
    }
    default: {
      const hint = didYouMean(name, allTypeNames) ?? `types: ${allTypeNames.join(', ')}`;
      bag.error(typeCodes.unknownType, node.name.span, `unknown type '${name}'`, hint);
      return { kind: 'unknown', span };
    }
  }
}

function field(arg: A.TypeArg, bag: DiagnosticBag): FieldType {
  if (arg.field !== undefined && arg.type === undefined) return { type: { kind: 'unknown', span: arg.field.span }, optional: true };
  return { type: decodeType(arg.type, bag), optional: arg.type.optional };
}

/** The type as the user writes it (used in messages and hover). */
export function typeText(t: LakeType): string {
  switch (t.kind) {
    case 'primitive': return t.name;
    case 'decimal': return `decimal(${t.precision}, ${t.scale})`;
    case 'list': return `list<${fieldText(t.element)}>`;
    case 'map': return `map<${fieldText(t.key)}, ${fieldText(t.value)}>`;
    case 'struct': return `struct<${t.fields.map((f) => `${f.name.value}: ${fieldText(f)}`).join(', ')}>`;
    case 'unknown': return '?';
  }
}

function fieldText(f: FieldType): string {
  return typeText(f.type) + (f.optional ? '?' : '');
}
