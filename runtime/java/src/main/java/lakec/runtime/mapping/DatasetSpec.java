package lakec.runtime.mapping;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lakec.runtime.bitemporal.BitemporalKeyState;
import lakec.runtime.bitemporal.LatePolicy;
import lakec.runtime.json.Json;

/**
 * What the job needs to know about one dataset: its columns (type, JSON source, checks as
 * expression trees), key and bi-temporal columns. The same JSON document as the TypeScript
 * runtime's {@code DatasetSpec} (runtime/dataset.ts), which lakec writes into the generated job.
 */
public final class DatasetSpec {
  /** How a dataset stores its events. */
  public enum Mode {
    /** Full history (DESIGN.md section 2). */
    BITEMPORAL,
    /** One row per key, upserted in arrival order. */
    CURRENT,
    /** Every event becomes one row. */
    APPEND
  }

  /** Where a column's value comes from. */
  public sealed interface Source {
    /** For messages: the JSON path, or {@code raw_payload()} / {@code ingestion_time()}. */
    String where();
  }

  /** A JSON path; segments are strings (member names) or numbers (list indexes). */
  public record Path(String path, List<Object> segments) implements Source {
    @Override
    public String where() {
      return path;
    }
  }

  public record RawPayload() implements Source {
    @Override
    public String where() {
      return "raw_payload()";
    }
  }

  public record IngestionTime() implements Source {
    @Override
    public String where() {
      return "ingestion_time()";
    }
  }

  /** A check: its canonical text (for messages) and its expression tree (checks.ts CheckExpr). */
  public record Check(String text, Object expr) {}

  public record Column(
      String name, TypeSpec type, boolean optional, Source source, List<Check> checks) {}

  /** The system column's name, or null when the system time is the arrival time. */
  public record Bitemporal(String validFrom, String validTo, String systemColumn) {}

  public final String name;
  public final Mode mode;
  public final List<Column> columns;
  public final List<String> key;
  public final Bitemporal bitemporal;
  public final int dedupWindow;
  public final LatePolicy late;

  // Layout (runtime/dataset.ts layoutOf).
  public final int[] keyIndexes;
  public final int validFromIndex;
  public final int validToIndex;
  public final int systemIndex;

  /** The columns payload equality compares (rules 1 and 2): not key, times, or metadata. */
  public final int[] payloadIndexes;

  private DatasetSpec(
      String name,
      Mode mode,
      List<Column> columns,
      List<String> key,
      Bitemporal bitemporal,
      int dedupWindow,
      LatePolicy late) {
    this.name = name;
    this.mode = mode;
    this.columns = List.copyOf(columns);
    this.key = List.copyOf(key);
    this.bitemporal = bitemporal;
    this.dedupWindow = dedupWindow;
    this.late = late;
    this.keyIndexes = key.stream().mapToInt(this::index).toArray();
    if (mode == Mode.BITEMPORAL && bitemporal == null)
      throw new IllegalArgumentException(
          "bi-temporal dataset '" + name + "' lacks its bitemporal columns");
    this.validFromIndex = bitemporal != null ? index(bitemporal.validFrom()) : -1;
    this.validToIndex = bitemporal != null ? index(bitemporal.validTo()) : -1;
    this.systemIndex =
        bitemporal != null && bitemporal.systemColumn() != null
            ? index(bitemporal.systemColumn())
            : -1;
    Set<Integer> excluded = new HashSet<>();
    for (int k : keyIndexes) excluded.add(k);
    excluded.add(validFromIndex);
    excluded.add(validToIndex);
    excluded.add(systemIndex);
    List<Integer> payload = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++)
      if (!excluded.contains(i) && columns.get(i).source() instanceof Path) payload.add(i);
    this.payloadIndexes = payload.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The index of a column, or an error naming the dataset. */
  public int index(String column) {
    for (int i = 0; i < columns.size(); i++) if (columns.get(i).name().equals(column)) return i;
    throw new IllegalArgumentException("dataset '" + name + "' has no column '" + column + "'");
  }

  public static DatasetSpec parse(String json) {
    try {
      return fromJson(Json.parse(json));
    } catch (Json.ParseException e) {
      throw new IllegalArgumentException(
          "the dataset description is not JSON: " + e.getMessage(), e);
    }
  }

  /**
   * From the JSON form. Besides the TypeScript {@code DatasetSpec} members it reads the optional
   * {@code dedupWindow} (default 32) and {@code late} ({@code apply} or {@code dead_letter}).
   */
  public static DatasetSpec fromJson(Object json) {
    Map<String, Object> o = Specs.object(json, "dataset");
    String name = Specs.string(o, "name");
    Mode mode =
        switch (Specs.string(o, "mode")) {
          case "bitemporal" -> Mode.BITEMPORAL;
          case "current" -> Mode.CURRENT;
          case "append" -> Mode.APPEND;
          default ->
              throw new IllegalArgumentException(
                  "dataset '" + name + "': mode must be bitemporal, current or append");
        };
    List<Column> columns = new ArrayList<>();
    for (Object c : Specs.list(o, "columns")) {
      Map<String, Object> co = Specs.object(c, "column");
      Map<String, Object> so = Specs.object(co.get("source"), "source");
      Source source =
          switch (Specs.string(so, "kind")) {
            case "path" ->
                new Path(Specs.string(so, "path"), List.copyOf(Specs.list(so, "segments")));
            case "raw_payload" -> new RawPayload();
            case "ingestion_time" -> new IngestionTime();
            default -> throw new IllegalArgumentException("unknown source kind");
          };
      List<Check> checks = new ArrayList<>();
      for (Object k : Specs.list(co, "checks")) {
        Map<String, Object> ko = Specs.object(k, "check");
        checks.add(new Check(Specs.string(ko, "text"), ko.get("expr")));
      }
      columns.add(
          new Column(
              Specs.string(co, "name"),
              TypeSpec.fromJson(co.get("type")),
              Specs.bool(co, "optional"),
              source,
              List.copyOf(checks)));
    }
    List<String> key = new ArrayList<>();
    for (Object k : Specs.list(o, "key")) key.add((String) k);
    Bitemporal bt = null;
    String lateText = o.get("late") instanceof String s ? s : null;
    if (!Specs.isNull(o.get("bitemporal"))) {
      Map<String, Object> bo = Specs.object(o.get("bitemporal"), "bitemporal");
      Map<String, Object> system = Specs.object(bo.get("system"), "system");
      String column = "column".equals(system.get("kind")) ? Specs.string(system, "column") : null;
      bt = new Bitemporal(Specs.string(bo, "validFrom"), Specs.string(bo, "validTo"), column);
      if (lateText == null && bo.get("late") instanceof String s) lateText = s;
    }
    int window =
        o.get("dedupWindow") instanceof Double
            ? Specs.integer(o, "dedupWindow")
            : BitemporalKeyState.DEFAULT_DEDUP_WINDOW;
    LatePolicy late = lateText != null ? LatePolicy.of(lateText) : LatePolicy.APPLY;
    return new DatasetSpec(name, mode, columns, key, bt, window, late);
  }
}
