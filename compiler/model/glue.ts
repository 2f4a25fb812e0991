/** Iceberg -> Glue/Hive type strings (FIELD-NOTES.md): long -> bigint, uuid -> string, list -> array. */
import type { LakeType } from '../semantic/symbols.ts';

export function glueType(t: LakeType): string {
  switch (t.kind) {
    case 'primitive':
      switch (t.name) {
        case 'long': return 'bigint';
        case 'uuid': return 'string';
        // Glue has no zoned timestamp; Iceberg timestamptz reads as timestamp in Athena.
        case 'timestamptz': return 'timestamp';
        default: return t.name;
      }
    case 'decimal': return `decimal(${t.precision},${t.scale})`;
    case 'list': return `array<${glueType(t.element.type)}>`;
    case 'map': return `map<${glueType(t.key.type)},${glueType(t.value.type)}>`;
    case 'struct': return `struct<${t.fields.map((f) => `${f.name.value}:${glueType(f.type)}`).join(',')}>`;
    case 'unknown': return 'string';
  }
}
