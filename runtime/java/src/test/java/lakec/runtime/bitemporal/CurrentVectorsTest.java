package lakec.runtime.bitemporal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import lakec.runtime.Fixtures;
import lakec.runtime.json.Json;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The shared current-state vectors (test/vectors/current), read from the files: one row per key,
 * upserted in arrival order, deleted by a delete, redeliveries within the window recognized.
 * Exactly the expected rows, duplicates and unchanged events.
 */
class CurrentVectorsTest {
  @SuppressWarnings("unchecked")
  static List<Object> list(Map<String, Object> o, String name) {
    return (List<Object>) o.get(name);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> object(Object o) {
    return (Map<String, Object>) o;
  }

  static Map<String, Object> run(Map<String, Object> v) {
    Map<String, Object> options =
        v.get("options") instanceof Map ? object(v.get("options")) : Map.of();
    int window =
        options.get("dedupWindow") instanceof Double d
            ? (int) (double) d
            : BitemporalKeyState.DEFAULT_DEDUP_WINDOW;
    // Keys sorted by their canonical text (the values as a JSON array), as the runtime's table.
    Map<String, CurrentKeyState<Map<String, Object>>> keys = new TreeMap<>();
    int duplicates = 0;
    int unchanged = 0;
    for (Object o : list(v, "events")) {
      Map<String, Object> e = object(o);
      Map<String, Object> key = object(e.get("key"));
      List<Object> keyValues = new ArrayList<>();
      for (Object c : list(v, "key")) keyValues.add(key.getOrDefault((String) c, Json.NULL));
      CurrentKeyState<Map<String, Object>> s =
          keys.computeIfAbsent(Json.stringify(keyValues), k -> new CurrentKeyState<>(window));
      CurrentKeyState.Outcome outcome;
      if ("delete".equals(e.get("op"))) {
        outcome = s.apply(Op.DELETE, null, null);
      } else {
        Map<String, Object> payload =
            e.get("payload") instanceof Map ? object(e.get("payload")) : Map.of();
        List<Object> values = new ArrayList<>();
        for (Object c : list(v, "payloadColumns"))
          values.add(payload.getOrDefault((String) c, Json.NULL));
        Map<String, Object> row = new LinkedHashMap<>(key);
        row.putAll(payload);
        outcome = s.apply(Op.PUT, row, Json.stringify(values));
      }
      if (outcome == CurrentKeyState.Outcome.DUPLICATE) duplicates++;
      if (outcome == CurrentKeyState.Outcome.UNCHANGED) unchanged++;
    }
    List<Object> rows = new ArrayList<>();
    for (CurrentKeyState<Map<String, Object>> s : keys.values()) {
      if (!s.hasRow()) continue;
      Map<String, Object> row = new LinkedHashMap<>();
      for (Object c : list(v, "key"))
        row.put((String) c, s.payload().getOrDefault((String) c, Json.NULL));
      for (Object c : list(v, "payloadColumns"))
        row.put((String) c, s.payload().getOrDefault((String) c, Json.NULL));
      rows.add(row);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("rows", rows);
    out.put("duplicateEvents", (double) duplicates);
    out.put("unchangedEvents", (double) unchanged);
    return out;
  }

  @TestFactory
  Stream<DynamicTest> everyVector() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (Map.Entry<String, Map<String, Object>> f : Fixtures.load("current")) {
      tests.add(
          DynamicTest.dynamicTest(
              f.getKey() + ": exactly the expected rows and counts",
              () -> assertEquals(f.getValue().get("expected"), run(f.getValue()))));
    }
    return tests.stream();
  }
}
