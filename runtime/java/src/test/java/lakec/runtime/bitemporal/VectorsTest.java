package lakec.runtime.bitemporal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import lakec.runtime.Fixtures;
import lakec.runtime.json.Json;
import lakec.runtime.mapping.Timestamps;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The shared bi-temporal vectors (test/vectors/bitemporal, README there), read from the files: the
 * Java core must give exactly the expected rows, dead letters and counts, also when every event is
 * delivered twice and when the state goes through a snapshot between any two events.
 */
class VectorsTest {
  /**
   * A whole table, kept as a sink keeps it: upsert on (key, valid_from, system_from), delete on
   * removed.
   */
  static final class Table {
    final Map<String, BitemporalKeyState<Map<String, Object>>> states = new TreeMap<>();
    final Map<String, Map<String, Version<Map<String, Object>>>> stored = new TreeMap<>();
    final List<Map<String, Object>> deadLetters = new ArrayList<>();
    int events;
    int adjusted;
    int duplicates;
    int late;
    final int window;
    final LatePolicy policy;

    Table(int window, LatePolicy policy) {
      this.window = window;
      this.policy = policy;
    }

    void apply(String key, Event<Map<String, Object>> e) {
      events++;
      BitemporalKeyState<Map<String, Object>> s =
          states.computeIfAbsent(key, k -> new BitemporalKeyState<>(window, policy));
      ApplyResult<Map<String, Object>> out = s.apply(e, new ApplyResult<>());
      if (out.late) late++;
      if (out.rejected != null) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("event", (double) events);
        d.put("reason", out.rejected);
        deadLetters.add(d);
        return;
      }
      if (out.duplicate) {
        duplicates++;
        return;
      }
      if (out.adjustedSystemTime) adjusted++;
      Map<String, Version<Map<String, Object>>> rows =
          stored.computeIfAbsent(key, k -> new TreeMap<>());
      for (VersionId id : out.removed) rows.remove(id(id.validFrom(), id.systemFrom()));
      for (Version<Map<String, Object>> v : out.closed)
        rows.put(id(v.validFrom(), v.systemFrom()), v);
      for (Version<Map<String, Object>> v : out.added)
        rows.put(id(v.validFrom(), v.systemFrom()), v);
    }

    /** Round-trips every key state through its snapshot bytes. */
    void snapshotAndRestore() throws IOException {
      for (Map.Entry<String, BitemporalKeyState<Map<String, Object>>> e : states.entrySet()) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        e.getValue().writeTo(new DataOutputStream(bytes), CODEC);
        e.setValue(
            BitemporalKeyState.readFrom(
                new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())),
                CODEC,
                window,
                policy));
      }
    }
  }

  /** Fixed-width ids sort as (validFrom, systemFrom) numerically. */
  static String id(long validFrom, long systemFrom) {
    return String.format(
        "%020d|%020d", validFrom - Long.MIN_VALUE / 2, systemFrom - Long.MIN_VALUE / 2);
  }

  static final PayloadCodec<Map<String, Object>> CODEC =
      new PayloadCodec<>() {
        @Override
        public void write(DataOutput out, Map<String, Object> payload) throws IOException {
          out.writeUTF(Json.stringify(payload));
        }

        @Override
        @SuppressWarnings("unchecked")
        public Map<String, Object> read(DataInput in) throws IOException {
          try {
            return (Map<String, Object>) Json.parse(in.readUTF());
          } catch (Json.ParseException e) {
            throw new IOException(e);
          }
        }
      };

  static long millis(Object iso) {
    long ms = Timestamps.parse((String) iso);
    if (ms == Timestamps.INVALID || !Timestamps.format(ms).equals(iso))
      throw new IllegalArgumentException("not a canonical timestamp: " + iso);
    return ms;
  }

  static Object iso(long ms) {
    return ms == Times.OPEN ? Json.NULL : Timestamps.format(ms);
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Map<String, Object> o, String name) {
    return (List<Object>) o.get(name);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> object(Object o) {
    return (Map<String, Object>) o;
  }

  static String keyString(Map<String, Object> vector, Map<String, Object> key) {
    List<Object> values = new ArrayList<>();
    for (Object c : list(vector, "key")) values.add(key.getOrDefault((String) c, Json.NULL));
    return Json.stringify(values);
  }

  static Event<Map<String, Object>> event(Map<String, Object> vector, Map<String, Object> e) {
    long vf = millis(e.get("valid_from"));
    long vt = e.get("valid_to") == Json.NULL ? Times.OPEN : millis(e.get("valid_to"));
    long st = millis(e.get("system_time"));
    if ("delete".equals(e.get("op"))) return Event.delete(vf, vt, st);
    Map<String, Object> payload =
        e.get("payload") instanceof Map ? object(e.get("payload")) : Map.of();
    List<Object> values = new ArrayList<>();
    for (Object c : list(vector, "payloadColumns"))
      values.add(payload.getOrDefault((String) c, Json.NULL));
    return Event.put(vf, vt, st, payload, Json.stringify(values));
  }

  static Table table(Map<String, Object> vector) {
    Map<String, Object> options =
        vector.get("options") instanceof Map ? object(vector.get("options")) : Map.of();
    int window =
        options.get("dedupWindow") instanceof Double d
            ? (int) (double) d
            : BitemporalKeyState.DEFAULT_DEDUP_WINDOW;
    LatePolicy policy =
        options.get("late") instanceof String s ? LatePolicy.of(s) : LatePolicy.APPLY;
    return new Table(window, policy);
  }

  static void run(Map<String, Object> vector, List<Object> events, Table t) {
    for (Object o : events) {
      Map<String, Object> e = object(o);
      t.apply(keyString(vector, object(e.get("key"))), event(vector, e));
    }
  }

  /** The outcome in the vectors' shape: rows sorted by key, valid_from, system_from. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> outcome(Map<String, Object> vector, Table t) {
    List<Object> rows = new ArrayList<>();
    for (Map.Entry<String, Map<String, Version<Map<String, Object>>>> k : t.stored.entrySet()) {
      List<Object> keyValues;
      try {
        keyValues = (List<Object>) Json.parse(k.getKey());
      } catch (Json.ParseException e) {
        throw new AssertionError(e);
      }
      for (Version<Map<String, Object>> v : k.getValue().values()) {
        Map<String, Object> row = new LinkedHashMap<>();
        List<Object> keyColumns = list(vector, "key");
        for (int i = 0; i < keyColumns.size(); i++)
          row.put((String) keyColumns.get(i), keyValues.get(i));
        for (Object c : list(vector, "payloadColumns"))
          row.put((String) c, v.payload().getOrDefault((String) c, Json.NULL));
        row.put("valid_from", iso(v.validFrom()));
        row.put("valid_to", iso(v.validTo()));
        row.put("system_from", iso(v.systemFrom()));
        row.put("system_to", iso(v.systemTo()));
        rows.add(row);
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("rows", rows);
    out.put("deadLetters", t.deadLetters);
    out.put("adjustedSystemTimes", (double) t.adjusted);
    out.put("duplicateEvents", (double) t.duplicates);
    out.put("lateEvents", (double) t.late);
    return out;
  }

  static Map<String, Object> expected(Map<String, Object> vector) {
    Map<String, Object> e = new LinkedHashMap<>(object(vector.get("expected")));
    e.putIfAbsent("lateEvents", 0.0);
    return e;
  }

  @TestFactory
  Stream<DynamicTest> everyVector() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (Map.Entry<String, Map<String, Object>> f : Fixtures.load("bitemporal")) {
      Map<String, Object> v = f.getValue();
      List<Object> events = list(v, "events");
      tests.add(
          DynamicTest.dynamicTest(
              f.getKey() + ": exactly the expected rows, dead letters and counts",
              () -> {
                Table t = table(v);
                run(v, events, t);
                assertEquals(expected(v), outcome(v, t));
              }));
      tests.add(
          DynamicTest.dynamicTest(
              f.getKey() + ": the same rows when every event is delivered twice",
              () -> {
                if (table(v).window == 0) return; // without a window a redelivery is a new event
                List<Object> twice = new ArrayList<>();
                for (Object e : events) {
                  twice.add(e);
                  twice.add(e);
                }
                Table t = table(v);
                run(v, twice, t);
                assertEquals(expected(v).get("rows"), outcome(v, t).get("rows"));
              }));
      tests.add(
          DynamicTest.dynamicTest(
              f.getKey() + ": the same outcome through a snapshot between any two events",
              () -> {
                for (int cut = 0; cut <= events.size(); cut++) {
                  Table t = table(v);
                  run(v, events.subList(0, cut), t);
                  t.snapshotAndRestore();
                  run(v, events.subList(cut, events.size()), t);
                  assertEquals(expected(v), outcome(v, t), "cut after event " + cut);
                }
              }));
    }
    return tests.stream();
  }
}
