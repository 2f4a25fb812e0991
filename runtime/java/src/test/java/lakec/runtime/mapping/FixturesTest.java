package lakec.runtime.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import lakec.runtime.Fixtures;
import lakec.runtime.bitemporal.Op;
import lakec.runtime.bitemporal.Times;
import lakec.runtime.json.Json;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The shared mapping fixtures (test/vectors/mapping), read from the files: the Java mapper must
 * accept and reject exactly the events the TypeScript mapper does, with the same reasons and the
 * same row values (test/runtime/mapping.fixtures.test.ts runs the same files). A malformed event's
 * reason is compared up to the parser's own words.
 */
class FixturesTest {
  static Map<String, Object> outcome(Object result, boolean bitemporal) throws Json.ParseException {
    Map<String, Object> out = new LinkedHashMap<>();
    if (result instanceof Rejection r) {
      if (r.reason().startsWith("malformed JSON: ")) {
        out.put("reasonStartsWith", "malformed JSON: ");
      } else {
        out.put("reason", r.reason());
        if (r.column() != null) out.put("column", r.column());
      }
      return out;
    }
    MappedEvent m = (MappedEvent) result;
    out.put("row", java.util.Arrays.asList(m.values()));
    out.put("key", m.key());
    if (bitemporal) {
      out.put("op", m.op() == Op.PUT ? "put" : "delete");
      out.put("validFrom", m.validFrom());
      out.put("validTo", m.validTo() == Times.OPEN ? Json.NULL : m.validTo());
      out.put("systemTime", m.systemTime());
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  @TestFactory
  Stream<DynamicTest> everyCase() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (Map.Entry<String, Map<String, Object>> f : Fixtures.load("mapping")) {
      Map<String, Object> fixture = f.getValue();
      DatasetSpec spec = DatasetSpec.fromJson(fixture.get("dataset"));
      RowMapper mapper = new RowMapper(spec);
      long ingestionTime = (long) (double) (Double) fixture.get("ingestionTime");
      List<Object> cases = (List<Object>) fixture.get("cases");
      for (int i = 0; i < cases.size(); i++) {
        Map<String, Object> c = new LinkedHashMap<>((Map<String, Object>) cases.get(i));
        String event = (String) c.remove("event");
        tests.add(
            DynamicTest.dynamicTest(
                f.getKey() + " case " + i + ": " + event,
                () -> {
                  Object actual =
                      Json.parse(
                          Json.stringify(
                              outcome(
                                  mapper.map(event, ingestionTime),
                                  spec.mode == DatasetSpec.Mode.BITEMPORAL)));
                  assertEquals(c, actual);
                }));
      }
    }
    return tests.stream();
  }
}
