package lakec.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import lakec.runtime.json.Json;
import lakec.runtime.mapping.DatasetSpec;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each dataset's whole job in a local MiniCluster (RocksDB state, checkpoints every 200 ms, the
 * Iceberg sink on a HadoopCatalog folder, dead letters as files), on its sample events: a put, a
 * correction, a redelivery and a bad event. The table is read back. Then the same input with a stop
 * (savepoint) in the middle and a resume from it: the same final table and dead letters.
 */
class JobTest {
  @TempDir Path work;

  @SuppressWarnings("unchecked")
  static Map<String, Object> sample(String dataset) throws Exception {
    try (InputStream in =
        JobTest.class.getResourceAsStream("/lakec/samples/" + dataset + ".json")) {
      assertNotNull(in, "no sample events for " + dataset);
      return (Map<String, Object>)
          Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  static Map<String, String> flags(String dataset, Path events, Path work) {
    Map<String, String> f = new HashMap<>();
    f.put("dataset", dataset);
    f.put("events", events.toString());
    f.put("work", work.toString());
    f.put("checkpoint-ms", "200");
    f.put("print", "false");
    // Arrival times a minute apart per line (2024-01-01 on), the same in every run.
    f.put("ticking-from", "1704067200000");
    return f;
  }

  /** The rows without their ingestion_time() columns, which differ from run to run. */
  @SuppressWarnings("unchecked")
  static List<String> withoutArrivalTimes(String dataset, List<String> rows) throws Exception {
    List<String> out = new ArrayList<>();
    for (String row : rows) {
      Map<String, Object> o = (Map<String, Object>) Json.parse(row);
      for (DatasetSpec.Column c : Lake.job(dataset).dataset.columns)
        if (c.source() instanceof DatasetSpec.IngestionTime) o.remove(c.name());
      out.add(Json.stringify(o));
    }
    return out;
  }

  @TestFactory
  Stream<DynamicTest> everyDataset() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String dataset : Lake.DATASETS) {
      tests.add(
          DynamicTest.dynamicTest(
              dataset + ": the sample events through the whole job, read back from Iceberg",
              () -> {
                Map<String, Object> s = sample(dataset);
                @SuppressWarnings("unchecked")
                List<Object> events = (List<Object>) s.get("events");
                Path file = work.resolve(dataset + ".jsonl");
                StringBuilder text = new StringBuilder();
                for (Object e : events) text.append(e).append('\n');
                Files.writeString(file, text, StandardCharsets.UTF_8);

                LocalRunner.Outcome once =
                    LocalRunner.run(flags(dataset, file, work.resolve("once")));
                assertEquals(
                    ((Double) s.get("rows")).intValue(),
                    once.rows().size(),
                    "rows: " + once.rows());
                assertEquals(
                    ((Double) s.get("duplicates")).longValue(), once.count(Metrics.DUPLICATES));
                assertEquals(events.size(), once.count(Metrics.RECORDS_IN));
                // Every line is accounted for.
                assertEquals(
                    once.count(Metrics.RECORDS_IN),
                    once.count(Metrics.CHANGED)
                        + once.count(Metrics.UNCHANGED)
                        + once.count(Metrics.DUPLICATES)
                        + once.count(Metrics.DEAD_LETTERS_MAPPED)
                        + once.count(Metrics.DEAD_LETTERS_CORE)
                        + once.count(Metrics.BLANK_LINES));
                assertEquals(
                    ((Double) s.get("deadLetters")).intValue(),
                    once.deadLetters().size(),
                    "dead letters: " + once.deadLetters());
                @SuppressWarnings("unchecked")
                Map<String, Object> dead =
                    (Map<String, Object>) Json.parse(once.deadLetters().get(0));
                assertEquals(s.get("deadLetterReason"), dead.get("reason"));
                assertEquals(events.get(events.size() - 1), dead.get("event"));
                assertEquals(
                    "{\"file\":" + Json.quote(file.toString()) + ",\"line\":" + events.size() + "}",
                    Json.stringify(dead.get("position")));

                // Stop with a savepoint after the first events, resume: the same table.
                Path restart = work.resolve("restart");
                Map<String, String> first = flags(dataset, file, restart);
                first.put("stop-after", "2");
                LocalRunner.Outcome stopped = LocalRunner.run(first);
                assertNotNull(stopped.savepoint());
                assertTrue(stopped.rows().size() <= once.rows().size());
                Map<String, String> second = flags(dataset, file, restart);
                second.put("from-savepoint", stopped.savepoint());
                LocalRunner.Outcome resumed = LocalRunner.run(second);
                assertEquals(
                    withoutArrivalTimes(dataset, once.rows()),
                    withoutArrivalTimes(dataset, resumed.rows()));
                assertEquals(once.deadLetters(), resumed.deadLetters());
              }));
    }
    return tests.stream();
  }
}
