package lakec.runtime.mapping;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A column type, as the lake model and the TypeScript runtime describe it (runtime/dataset.ts). */
public sealed interface TypeSpec {
  record Primitive(String name) implements TypeSpec {}

  record Decimal(int precision, int scale) implements TypeSpec {}

  record ListType(TypeSpec element, boolean elementOptional) implements TypeSpec {}

  record MapType(TypeSpec key, TypeSpec value, boolean valueOptional) implements TypeSpec {}

  record Field(String name, TypeSpec type, boolean optional) {}

  record StructType(List<Field> fields) implements TypeSpec {}

  /** {@code decimal(18, 4)}, {@code list<string>}: the type as the spec writes it, for messages. */
  static String text(TypeSpec t) {
    if (t instanceof Primitive p) return p.name();
    if (t instanceof Decimal d) return "decimal(" + d.precision() + ", " + d.scale() + ")";
    if (t instanceof ListType l)
      return "list<" + text(l.element()) + (l.elementOptional() ? "?" : "") + ">";
    if (t instanceof MapType m)
      return "map<" + text(m.key()) + ", " + text(m.value()) + (m.valueOptional() ? "?" : "") + ">";
    StructType s = (StructType) t;
    StringBuilder b = new StringBuilder("struct<");
    for (int i = 0; i < s.fields().size(); i++) {
      Field f = s.fields().get(i);
      if (i > 0) b.append(", ");
      b.append(f.name()).append(": ").append(text(f.type())).append(f.optional() ? "?" : "");
    }
    return b.append('>').toString();
  }

  /** From the JSON form (DatasetSpec's {@code type}). */
  static TypeSpec fromJson(Object json) {
    Map<String, Object> o = Specs.object(json, "type");
    String kind = Specs.string(o, "kind");
    return switch (kind) {
      case "primitive" -> new Primitive(Specs.string(o, "name"));
      case "decimal" -> new Decimal(Specs.integer(o, "precision"), Specs.integer(o, "scale"));
      case "list" -> new ListType(fromJson(o.get("element")), Specs.bool(o, "elementOptional"));
      case "map" ->
          new MapType(
              fromJson(o.get("key")), fromJson(o.get("value")), Specs.bool(o, "valueOptional"));
      case "struct" -> {
        List<Field> fields = new ArrayList<>();
        for (Object f : Specs.list(o, "fields")) {
          Map<String, Object> fo = Specs.object(f, "field");
          fields.add(
              new Field(
                  Specs.string(fo, "name"), fromJson(fo.get("type")), Specs.bool(fo, "optional")));
        }
        yield new StructType(List.copyOf(fields));
      }
      default -> throw new IllegalArgumentException("unknown type kind '" + kind + "'");
    };
  }
}
