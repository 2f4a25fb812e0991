package lakec.runtime.mapping;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lakec.runtime.json.Json;

/**
 * {@code @check} conditions over a mapped row, as runtime/checks.ts evaluates them: SQL's semantics
 * (a comparison with null is unknown, three-valued {@code and}/{@code or}/{@code not}, a check
 * fails only when false), decimals compared exactly, dates and timestamps with each other and with
 * ISO strings.
 */
public final class Checks {
  /** A compiled check: TRUE (passes), FALSE (fails) or null (unknown, which passes). */
  public interface Predicate {
    Boolean test(Object[] row);
  }

  private enum Kind {
    NUMBER,
    DECIMAL,
    STRING,
    BOOLEAN,
    DATE,
    TIMESTAMP,
    OTHER,
    NULL
  }

  private interface Getter {
    Object get(Object[] row);
  }

  private record Operand(Kind kind, Getter get) {}

  /** Not comparable (null or incomparable): JavaScript's NaN in checks.ts. */
  private static final int UNKNOWN = Integer.MIN_VALUE;

  private interface Conv {
    Object apply(Object v);
  }

  private interface Cmp {
    int compare(Object x, Object y);
  }

  private record Converters(Conv left, Conv right, Cmp compare) {}

  private Checks() {}

  private static Kind kindOf(TypeSpec t) {
    if (t instanceof TypeSpec.Decimal) return Kind.DECIMAL;
    if (!(t instanceof TypeSpec.Primitive p)) return Kind.OTHER;
    return switch (p.name()) {
      case "int", "long", "float", "double" -> Kind.NUMBER;
      case "string", "uuid" -> Kind.STRING;
      case "boolean" -> Kind.BOOLEAN;
      case "date" -> Kind.DATE;
      case "timestamp", "timestamptz" -> Kind.TIMESTAMP;
      default -> Kind.OTHER;
    };
  }

  /** Compiles a check's tree over rows laid out as {@code columns}. */
  public static Predicate compile(Object expr, List<DatasetSpec.Column> columns) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < columns.size(); i++) index.put(columns.get(i).name(), i);
    return new Compiler(index, columns).condition(expr);
  }

  private record Compiler(Map<String, Integer> index, List<DatasetSpec.Column> columns) {
    Predicate condition(Object json) {
      Map<String, Object> e = Specs.object(json, "check");
      String op = Specs.string(e, "op");
      switch (op) {
        case "and":
          {
            Predicate l = condition(e.get("left"));
            Predicate r = condition(e.get("right"));
            return row -> {
              Boolean a = l.test(row);
              if (Boolean.FALSE.equals(a)) return false;
              Boolean b = r.test(row);
              return Boolean.FALSE.equals(b)
                  ? Boolean.FALSE
                  : a == null || b == null ? null : Boolean.TRUE;
            };
          }
        case "or":
          {
            Predicate l = condition(e.get("left"));
            Predicate r = condition(e.get("right"));
            return row -> {
              Boolean a = l.test(row);
              if (Boolean.TRUE.equals(a)) return true;
              Boolean b = r.test(row);
              return Boolean.TRUE.equals(b)
                  ? Boolean.TRUE
                  : a == null || b == null ? null : Boolean.FALSE;
            };
          }
        case "not":
          {
            Predicate inner = condition(e.get("operand"));
            return row -> {
              Boolean v = inner.test(row);
              return v == null ? null : !v;
            };
          }
        case "is null":
          {
            Operand o = operand(e.get("operand"));
            boolean negated = Specs.bool(e, "negated");
            return row -> negated != isNull(o.get().get(row));
          }
        case "in":
          {
            Operand o = operand(e.get("operand"));
            List<Cmp2> tests = new ArrayList<>();
            for (Object v : Specs.list(e, "values")) tests.add(comparator(o, operand(v)));
            boolean negated = Specs.bool(e, "negated");
            return row -> {
              boolean unknown = false;
              for (Cmp2 test : tests) {
                int c = test.compare(row);
                if (c == 0) return !negated;
                if (c == UNKNOWN) unknown = true;
              }
              return unknown ? null : negated;
            };
          }
        case "column":
          {
            Operand o = operand(e);
            return row -> {
              Object v = o.get().get(row);
              return isNull(v) ? null : Boolean.TRUE.equals(v);
            };
          }
        case "literal":
          {
            Object v = e.get("value");
            return row -> isNull(v) ? null : Boolean.TRUE.equals(v);
          }
        default:
          {
            Operand l = operand(e.get("left"));
            Operand r = operand(e.get("right"));
            Cmp2 cmp = comparator(l, r);
            return switch (op) {
              case "=" -> row -> test(cmp.compare(row), c -> c == 0);
              case "!=", "<>" -> row -> test(cmp.compare(row), c -> c != 0);
              case "<" -> row -> test(cmp.compare(row), c -> c < 0);
              case "<=" -> row -> test(cmp.compare(row), c -> c <= 0);
              case ">" -> row -> test(cmp.compare(row), c -> c > 0);
              case ">=" -> row -> test(cmp.compare(row), c -> c >= 0);
              default -> throw new IllegalArgumentException("unknown check operator '" + op + "'");
            };
          }
      }
    }

    Operand operand(Object json) {
      Map<String, Object> e = Specs.object(json, "check");
      String op = Specs.string(e, "op");
      if (op.equals("column")) {
        String name = Specs.string(e, "name");
        Integer i = index.get(name);
        if (i == null)
          throw new IllegalArgumentException("a check refers to the unknown column '" + name + "'");
        int at = i;
        return new Operand(kindOf(columns.get(at).type()), row -> row[at]);
      }
      if (op.equals("literal")) {
        Object v = e.get("value");
        Kind kind =
            isNull(v)
                ? Kind.NULL
                : v instanceof Double
                    ? Kind.NUMBER
                    : v instanceof Boolean ? Kind.BOOLEAN : Kind.STRING;
        Object constant = v;
        if (v instanceof Double d) {
          // A number literal stays a double when that is exact (15 significant digits or fewer),
          // else its text, which decimal comparisons read exactly.
          String text =
              (e.get("text") instanceof String t ? t : Json.numberToString(d)).replace("_", "");
          constant = significantDigits(text) <= 15 ? (Object) JsText.toNumber(text) : text;
        }
        Object c = constant;
        return new Operand(kind, row -> c);
      }
      // A condition used as a value (a = (b > 1)): compare its truth value.
      Predicate c = condition(json);
      return new Operand(Kind.BOOLEAN, c::test);
    }
  }

  private interface Cmp2 {
    int compare(Object[] row);
  }

  private interface IntTest {
    boolean test(int c);
  }

  private static Boolean test(int c, IntTest t) {
    return c == UNKNOWN ? null : t.test(c);
  }

  private static boolean isNull(Object v) {
    return v == null || v == Json.NULL;
  }

  private static Cmp2 comparator(Operand a, Operand b) {
    Converters conv = converters(a.kind(), b.kind());
    return row -> {
      Object x = a.get().get(row);
      Object y = b.get().get(row);
      if (isNull(x) || isNull(y)) return UNKNOWN;
      Object u = conv.left().apply(x);
      Object v = conv.right().apply(y);
      if (u == null || v == null) return UNKNOWN;
      return conv.compare().compare(u, v);
    };
  }

  static int significantDigits(String text) {
    String mantissa =
        text.replaceAll("[eE].*$", "")
            .replaceAll("[^0-9]", "")
            .replaceAll("^0+", "")
            .replaceAll("0+$", "");
    return mantissa.length();
  }

  private static final Conv SAME = v -> v;

  /** JavaScript's {@code <}, {@code >} and {@code ===} on two numbers, or two strings. */
  private static int compareOrdered(Object x, Object y) {
    if (x instanceof Number a && y instanceof Number b) {
      double p = a.doubleValue();
      double q = b.doubleValue();
      return p < q ? -1 : p > q ? 1 : p == q ? 0 : UNKNOWN;
    }
    if (x instanceof String a && y instanceof String b) {
      int c = a.compareTo(b);
      return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    return UNKNOWN;
  }

  private static int compareAsDecimals(Object x, Object y) {
    return Decimals.compare(JsText.string(x), JsText.string(y));
  }

  private static Converters converters(Kind l, Kind r) {
    boolean ln = l == Kind.NUMBER || l == Kind.DECIMAL;
    boolean rn = r == Kind.NUMBER || r == Kind.DECIMAL;
    if (ln && rn) {
      if (l == Kind.DECIMAL || r == Kind.DECIMAL)
        return new Converters(SAME, SAME, Checks::compareAsDecimals);
      return new Converters(
          SAME,
          SAME,
          (x, y) ->
              x instanceof Number && y instanceof Number
                  ? compareOrdered(x, y)
                  : compareAsDecimals(x, y));
    }
    boolean lt = l == Kind.DATE || l == Kind.TIMESTAMP;
    boolean rt = r == Kind.DATE || r == Kind.TIMESTAMP;
    if (lt || rt) {
      if (l == Kind.TIMESTAMP || r == Kind.TIMESTAMP)
        return new Converters(toMillis(l), toMillis(r), Checks::compareOrdered);
      Conv toDate = v -> v instanceof String s ? Timestamps.parseDate(s) : null;
      return new Converters(toDate, toDate, Checks::compareOrdered);
    }
    if (l == Kind.BOOLEAN || r == Kind.BOOLEAN) {
      return new Converters(
          SAME,
          SAME,
          (x, y) ->
              x.equals(y) && x instanceof Boolean
                  ? 0
                  : x instanceof Boolean a && y instanceof Boolean
                      ? (a ? 1 : -1)
                      : sameValue(x, y) ? 0 : UNKNOWN);
    }
    return new Converters(
        SAME,
        SAME,
        (x, y) ->
            x instanceof String a && y instanceof String b
                ? Integer.signum(a.compareTo(b))
                : sameValue(x, y) ? 0 : UNKNOWN);
  }

  /** JavaScript's {@code ===} on two non-null values of the mapping. */
  private static boolean sameValue(Object x, Object y) {
    if (x instanceof Number a && y instanceof Number b) return a.doubleValue() == b.doubleValue();
    if (x instanceof String || x instanceof Boolean) return x.equals(y);
    return x == y;
  }

  private static Conv toMillis(Kind k) {
    if (k == Kind.TIMESTAMP) return SAME;
    return v -> {
      if (!(v instanceof String s)) return null;
      long ms = Timestamps.parse(s);
      return ms == Timestamps.INVALID ? null : (Object) ms;
    };
  }
}
