package lakec.runtime.mapping;

import java.util.List;
import java.util.Map;
import lakec.runtime.json.Json;

/** Reading the JSON form of a dataset's description, with clear errors for a malformed one. */
final class Specs {
  private Specs() {}

  @SuppressWarnings("unchecked")
  static Map<String, Object> object(Object v, String what) {
    if (!(v instanceof Map)) throw new IllegalArgumentException(what + " must be a JSON object");
    return (Map<String, Object>) v;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Map<String, Object> o, String name) {
    Object v = o.get(name);
    if (!(v instanceof List))
      throw new IllegalArgumentException("'" + name + "' must be a JSON array");
    return (List<Object>) v;
  }

  static String string(Map<String, Object> o, String name) {
    Object v = o.get(name);
    if (!(v instanceof String s))
      throw new IllegalArgumentException("'" + name + "' must be a string");
    return s;
  }

  static boolean bool(Map<String, Object> o, String name) {
    Object v = o.get(name);
    if (!(v instanceof Boolean b))
      throw new IllegalArgumentException("'" + name + "' must be true or false");
    return b;
  }

  static int integer(Map<String, Object> o, String name) {
    Object v = o.get(name);
    if (!(v instanceof Double d) || d != Math.rint(d))
      throw new IllegalArgumentException("'" + name + "' must be an integer");
    return (int) (double) d;
  }

  static boolean isNull(Object v) {
    return v == null || v == Json.NULL;
  }
}
