package lakec.flink;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import lakec.runtime.json.Json;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.Table;

/**
 * Runs one dataset's job on a file of events in a local MiniCluster (RocksDB state, checkpoints,
 * the Iceberg sink on a HadoopCatalog folder, dead letters as files), then prints the table's rows
 * in {@code lakec replay}'s JSON-lines format. {@code lakec replay --engine flink} runs it.
 *
 * <pre>
 * LocalRunner --dataset NAME --events FILE --work DIR [--dead-letter FILE] [--rows FILE] [--summary FILE]
 *             [--parallelism N] [--checkpoint-ms N]
 *             [--ticking-from MS]    arrival times MS + 1 min per line instead of the wall clock
 *             [--max-line-bytes N]   the longest line read as an event (default 64 MiB)
 *             [--stop-after N]        stop with a savepoint after N events (prints its path)
 *             [--from-savepoint PATH] resume a stopped run (same --work)
 *             [--read-back false]     do not read the table back (no rows printed or written)
 *             [--timings FILE]        write the job's wall and CPU milliseconds as JSON (benchmarks)
 * LocalRunner --batch FILE            one JSON object of the flags above per line, run in turn
 * </pre>
 *
 * Exit code: 0 done, 1 the run failed, 2 usage error.
 */
public final class LocalRunner {
  private LocalRunner() {}

  static final class Usage extends Exception {
    private static final long serialVersionUID = 1L;

    Usage(String message) {
      super(message);
    }
  }

  public static void main(String[] args) {
    int code;
    try {
      Map<String, String> flags = flags(args);
      if (flags.containsKey("batch")) {
        for (String line :
            Files.readAllLines(Path.of(flags.get("batch")), StandardCharsets.UTF_8)) {
          if (line.isBlank()) continue;
          Map<String, String> f = new HashMap<>();
          @SuppressWarnings("unchecked")
          Map<String, Object> o = (Map<String, Object>) Json.parse(line);
          for (Map.Entry<String, Object> e : o.entrySet())
            f.put(
                e.getKey(),
                e.getValue() instanceof Double d
                    ? Json.numberToString(d)
                    : String.valueOf(e.getValue()));
          run(f);
        }
      } else {
        run(flags);
      }
      code = 0;
    } catch (Usage e) {
      System.err.println("lakec flink runner: " + e.getMessage());
      code = 2;
    } catch (Exception e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) root = root.getCause();
      System.err.println("lakec flink runner: the job failed: " + root);
      e.printStackTrace(System.err);
      code = 1;
    }
    System.out.flush();
    System.exit(code);
  }

  static Map<String, String> flags(String[] args) throws Usage {
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length)
        throw new Usage("expected --FLAG VALUE pairs, got '" + args[i] + "'");
      out.put(args[i].substring(2), args[++i]);
    }
    return out;
  }

  static String need(Map<String, String> f, String name) throws Usage {
    String v = f.get(name);
    if (v == null) throw new Usage("--" + name + " is required");
    return v;
  }

  static int positive(Map<String, String> f, String name, int fallback) throws Usage {
    String v = f.get(name);
    if (v == null) return fallback;
    try {
      int n = Integer.parseInt(v);
      if (n < 1) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      throw new Usage("--" + name + " takes a positive whole number, not '" + v + "'");
    }
  }

  /**
   * What a run left: the table's rows and the dead letters as JSON lines, the counts, the
   * savepoint.
   */
  public record Outcome(
      List<String> rows, List<String> deadLetters, Map<String, Object> counts, String savepoint) {
    public long count(String name) {
      return LocalRunner.count(counts, name);
    }
  }

  public static Outcome run(Map<String, String> f) throws Exception {
    JobSpec job;
    try {
      job = Lake.job(need(f, "dataset"));
    } catch (IllegalArgumentException e) {
      throw new Usage(e.getMessage());
    }
    String events = need(f, "events");
    Path work = Path.of(need(f, "work")).toAbsolutePath();
    int parallelism = positive(f, "parallelism", 2);
    int checkpointMs = positive(f, "checkpoint-ms", 1000);
    String resume = f.get("from-savepoint");
    long stopAfter = f.containsKey("stop-after") ? positive(f, "stop-after", 1) : -1;
    Path warehouse = work.resolve("warehouse");
    Path deadLetters = work.resolve("dead-letters");
    if (resume == null) {
      deleteTree(warehouse);
      deleteTree(deadLetters);
      deleteTree(work.resolve("checkpoints"));
    }
    Files.createDirectories(work);
    // RocksDB wants a short local path.
    Path rocks = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "rdb");

    Map<String, Properties> groups = new HashMap<>();
    groups.put("lakec.source", props("kind", "file", "path", events));
    if (f.containsKey("ticking-from"))
      groups.get("lakec.source").setProperty("ticking.from", f.get("ticking-from"));
    if (f.containsKey("max-line-bytes"))
      groups
          .get("lakec.source")
          .setProperty("max.line.bytes", String.valueOf(positive(f, "max-line-bytes", 1)));
    groups.put("lakec.sink", props("catalog", "hadoop", "warehouse", warehouse.toUri().toString()));
    groups.put("lakec.deadletters", props("path", deadLetters.toUri().toString()));
    Settings settings = Settings.of(groups, true);

    Configuration conf = new Configuration();
    conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(checkpointMs));
    conf.set(
        CheckpointingOptions.CHECKPOINTS_DIRECTORY, work.resolve("checkpoints").toUri().toString());
    conf.set(
        CheckpointingOptions.SAVEPOINT_DIRECTORY, work.resolve("savepoints").toUri().toString());
    conf.set(
        ConfigOptions.key("state.backend.rocksdb.localdir").stringType().noDefaultValue(),
        rocks.toString());
    conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
    if (resume != null) conf.set(StateRecoveryOptions.SAVEPOINT_PATH, resume);
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);

    RateLimiterStrategy<?> limiter =
        stopAfter > 0 ? new PauseAfter(stopAfter) : RateLimiterStrategy.noOp();
    if (stopAfter > 0) PauseAfter.reset();
    DatasetJob.build(env, job, settings, limiter);
    Map<String, Object> counts;
    String savepoint = null;
    long cpu0 = processCpuNanos();
    long wall0 = System.nanoTime();
    try {
      if (stopAfter > 0) {
        JobClient client = env.executeAsync(job.application);
        while (!PauseAfter.PAUSED.await(200, TimeUnit.MILLISECONDS)) {
          if (client.getJobStatus().get().isTerminalState())
            throw new Usage(
                "--stop-after "
                    + stopAfter
                    + ": the events file has fewer events; the job finished");
        }
        savepoint = stopWithSavepoint(client, work.resolve("savepoints").toUri().toString());
        counts = client.getJobExecutionResult().get().getAllAccumulatorResults();
        write(f.get("savepoint-file"), savepoint + "\n");
        System.err.println(
            job.dataset.name
                + ": stopped after "
                + stopAfter
                + " events with the savepoint "
                + savepoint);
      } else {
        JobExecutionResult result = env.execute(job.application);
        counts = result.getAllAccumulatorResults();
      }
    } finally {
      // The MiniCluster may still be closing RocksDB after a stop; what is left goes at exit.
      try {
        deleteTree(rocks);
      } catch (IOException e) {
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      try {
                        deleteTree(rocks);
                      } catch (IOException ignored) {
                        // a temporary folder; nothing to report
                      }
                    }));
      }
    }

    long jobNanos = System.nanoTime() - wall0;
    long jobCpuNanos = processCpuNanos() - cpu0;

    List<String> lines = List.of();
    if (!"false".equals(f.get("read-back"))) {
      Table table = Tables.catalog(job, settings).loadCatalog().loadTable(Tables.identifier(job));
      table.refresh();
      lines = TableOutput.lines(table, job.dataset);
      StringBuilder rows = new StringBuilder();
      for (String line : lines) rows.append(line).append('\n');
      if (f.containsKey("rows")) write(f.get("rows"), rows.toString());
      else if (!"false".equals(f.get("print"))) {
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        out.print(rows);
        out.flush();
      }
    }
    write(
        f.get("timings"),
        String.format(
                Locale.US,
                "{\"jobMs\":%.1f,\"jobCpuMs\":%.1f,\"processCpuMs\":%.1f,\"records\":%d}",
                jobNanos / 1e6,
                jobCpuNanos / 1e6,
                processCpuNanos() / 1e6,
                count(counts, Metrics.RECORDS_IN))
            + "\n");
    List<String> dead = deadLetterLines(deadLetters);
    if (f.containsKey("dead-letter"))
      write(f.get("dead-letter"), dead.isEmpty() ? "" : String.join("\n", dead) + "\n");

    long rejected =
        count(counts, Metrics.DEAD_LETTERS_MAPPED) + count(counts, Metrics.DEAD_LETTERS_CORE);
    String summary =
        summary(job.dataset.name, counts, rejected > 0 && !f.containsKey("dead-letter"));
    System.err.println(summary);
    write(f.get("summary"), summary + "\n");
    return new Outcome(lines, dead, counts, savepoint);
  }

  /**
   * Where every line read went, as {@code lakec replay} says it (docs/runtime.md, "Dead letters"):
   * lines read = changed + unchanged + duplicates + dead letters + blank lines.
   */
  static String summary(String dataset, Map<String, Object> counts, boolean keepHint) {
    long deadLetters =
        count(counts, Metrics.DEAD_LETTERS_MAPPED) + count(counts, Metrics.DEAD_LETTERS_CORE);
    return String.format(
        Locale.US,
        "%s: %s read: %,d changed the table, %,d changed nothing, %s, %s%s, %s skipped; %s, %s",
        dataset,
        counted(count(counts, Metrics.RECORDS_IN), "line"),
        count(counts, Metrics.CHANGED),
        count(counts, Metrics.UNCHANGED),
        counted(count(counts, Metrics.DUPLICATES), "duplicate"),
        counted(deadLetters, "dead letter"),
        keepHint
            ? " (pass --dead-letter FILE to keep " + (deadLetters == 1 ? "it" : "them") + ")"
            : "",
        counted(count(counts, Metrics.BLANK_LINES), "blank line"),
        counted(count(counts, Metrics.ADJUSTED), "adjusted system time"),
        counted(count(counts, Metrics.LATE), "late event"));
  }

  /** A count and its noun, singular for one (as lakec's summaries say it). */
  static String counted(long n, String noun) {
    return String.format(Locale.US, "%,d %s", n, n == 1 ? noun : noun + "s");
  }

  /**
   * Stops the job with a savepoint, once every task runs (a savepoint cannot be taken while some
   * are still being deployed: the attempt is declined, and repeated).
   */
  static String stopWithSavepoint(JobClient client, String dir) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (true) {
      try {
        return client.stopWithSavepoint(false, dir, SavepointFormatType.CANONICAL).get();
      } catch (java.util.concurrent.ExecutionException e) {
        String message = String.valueOf(e.getCause());
        boolean notYet =
            message.contains("not being executed at the moment")
                || message.contains("not all required tasks")
                || message.contains("Not all required tasks");
        if (!notYet || System.nanoTime() > deadline) throw e;
        Thread.sleep(100);
      }
    }
  }

  /**
   * CPU time of this process (every thread: the MiniCluster's tasks, RocksDB's, the JIT's), or 0
   * where the JVM does not say.
   */
  static long processCpuNanos() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? Math.max(0, os.getProcessCpuTime())
        : 0;
  }

  static long count(Map<String, Object> counts, String name) {
    Object v = counts.get(name);
    return v instanceof Number n ? n.longValue() : 0;
  }

  private static Properties props(String... kv) {
    Properties p = new Properties();
    for (int i = 0; i < kv.length; i += 2) p.setProperty(kv[i], kv[i + 1]);
    return p;
  }

  private static void write(String file, String text) throws IOException {
    if (file == null) return;
    Files.writeString(Path.of(file), text, StandardCharsets.UTF_8);
  }

  /**
   * The committed dead-letter lines (in-progress files are hidden and skipped), in source order.
   */
  @SuppressWarnings("unchecked")
  static List<String> deadLetterLines(Path dir) throws IOException, Json.ParseException {
    List<String> lines = new ArrayList<>();
    if (!Files.isDirectory(dir)) return lines;
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p :
          files
              .filter(Files::isRegularFile)
              .filter(p -> !p.getFileName().toString().startsWith("."))
              .toList()) {
        for (String l : Files.readAllLines(p, StandardCharsets.UTF_8))
          if (!l.isEmpty()) lines.add(l);
      }
    }
    List<Object[]> keyed = new ArrayList<>();
    for (String l : lines) {
      Map<String, Object> position =
          (Map<String, Object>) ((Map<String, Object>) Json.parse(l)).get("position");
      keyed.add(new Object[] {position, l});
    }
    keyed.sort(
        Comparator.comparing(
                (Object[] k) -> String.valueOf(((Map<String, Object>) k[0]).get("file")))
            .thenComparingDouble(
                k -> ((Map<String, Object>) k[0]).get("line") instanceof Double d ? d : 0)
            .thenComparing(k -> String.valueOf(((Map<String, Object>) k[0]).get("shard")))
            .thenComparing(
                k -> String.valueOf(((Map<String, Object>) k[0]).get("sequenceNumber"))));
    List<String> out = new ArrayList<>();
    for (Object[] k : keyed) out.add((String) k[1]);
    return out;
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) return;
    try (Stream<Path> all = Files.walk(p)) {
      for (Path x : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(x);
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
