package lakec.runtime.bitemporal;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The bi-temporal state of one key (DESIGN.md section 2): its current rows plus what rules 4 and 5
 * need. The same rules, in the same order, as the TypeScript core (runtime/bitemporal/
 * key-state.ts); both pass the shared vectors of test/vectors/bitemporal.
 *
 * <ul>
 *   <li>Rule 6 first: a bad event is rejected and changes nothing.
 *   <li>Rule 4: an event equal (op, valid interval, stated system time, payload) to one of the
 *       key's last {@code dedupWindow} applied events is a duplicate and changes nothing.
 *   <li>Late events: an event stating a system time at or before the newest one the window has
 *       forgotten is late: applied and flagged ({@link LatePolicy#APPLY}) or rejected with reason
 *       {@code late} ({@link LatePolicy#DEAD_LETTER}).
 *   <li>Rule 5: a stated time behind the key's clock is raised to the clock plus 1 ms; every
 *       applied event moves the clock to its (raised) time, changed rows or not.
 *   <li>Rules 1 to 3 on the current rows overlapping the event's valid interval.
 * </ul>
 *
 * <p>Closed rows are not kept (history is append-only: the sink has them); the state holds the
 * key's current rows, sorted by valid_from and pairwise disjoint, and the remembered events.
 */
public final class BitemporalKeyState<P> {
  /** Applied events each key remembers for rule 4 (runtime/bitemporal/README.md). */
  public static final int DEFAULT_DEDUP_WINDOW = 32;

  /**
   * 2: a current row's payload key that equals a remembered event's is written as a reference to it
   * (the event that made the row is usually remembered, so its payload key was written twice in
   * format 1). Format 1 is still read.
   */
  private static final int SNAPSHOT_FORMAT = 2;

  /** A current row: system_to is open. */
  private record Row<P>(
      long validFrom, long validTo, long systemFrom, P payload, String payloadKey) {}

  private final int window;
  private final LatePolicy latePolicy;
  private final ArrayList<Row<P>> rows = new ArrayList<>();

  /**
   * Ring of remembered events: validFrom, validTo, stated per slot, and the payload key (null: a
   * delete).
   */
  private long[] ringTimes = new long[0];

  private String[] ringKeys = new String[0];
  private int ringUsed;
  private int ringNext;

  /** The key's clock (rule 5): the system time of the last applied event. */
  private long clock = Times.NONE;

  /**
   * At least the greatest stated time among remembered events: a later one is new without a lookup.
   */
  private long maxStated = Times.NONE;

  /** The newest stated time the window has forgotten. */
  private long forgottenStated = Times.NONE;

  private final ArrayList<Row<P>> next = new ArrayList<>();

  public BitemporalKeyState() {
    this(DEFAULT_DEDUP_WINDOW, LatePolicy.APPLY);
  }

  public BitemporalKeyState(int dedupWindow, LatePolicy latePolicy) {
    if (dedupWindow < 0)
      throw new IllegalArgumentException(
          "dedupWindow must be a non-negative integer, got " + dedupWindow);
    this.window = dedupWindow;
    this.latePolicy = Objects.requireNonNull(latePolicy);
  }

  /** Rule 6 and sanity of the times: the reason, or null when the event is well formed. */
  public static String check(Event<?> e) {
    if (e.op() == null) return Reasons.UNKNOWN_OP;
    if (e.validFrom() == Times.OPEN || e.validFrom() == Times.NONE)
      return Reasons.INVALID_VALID_FROM;
    if (e.validTo() == Times.NONE) return Reasons.INVALID_VALID_TO;
    if (e.systemTime() == Times.OPEN || e.systemTime() == Times.NONE)
      return Reasons.INVALID_SYSTEM_TIME;
    if (e.validFrom() >= e.validTo()) return Reasons.INVERTED_VALID_INTERVAL;
    if (e.op() == Op.PUT && e.payloadKey() == null)
      throw new IllegalArgumentException("a put needs its payload key");
    return null;
  }

  public int rowCount() {
    return rows.size();
  }

  /** The key's clock, or {@link Times#NONE} before its first applied event. */
  public long clock() {
    return clock;
  }

  public long forgottenStated() {
    return forgottenStated;
  }

  /** The current rows, sorted by validFrom (allocates). */
  public List<Version<P>> currentRows() {
    List<Version<P>> out = new ArrayList<>(rows.size());
    for (Row<P> r : rows)
      out.add(
          new Version<>(r.validFrom, r.validTo, r.systemFrom, Times.OPEN, r.payload, r.payloadKey));
    return out;
  }

  /** True when the state holds nothing worth keeping (no rows, no memory, no clock). */
  public boolean isEmpty() {
    return rows.isEmpty() && ringUsed == 0 && clock == Times.NONE && forgottenStated == Times.NONE;
  }

  /**
   * Applies one event (rules 1-6 and late events). Never throws on a bad event: it comes back
   * rejected.
   */
  public ApplyResult<P> apply(Event<P> event, ApplyResult<P> out) {
    out.reset();
    String bad = check(event);
    if (bad != null) {
      out.rejected = bad;
      return out;
    }
    boolean put = event.op() == Op.PUT;
    long vf = event.validFrom();
    long vt = event.validTo();
    long stated = event.systemTime();
    String payloadKey = put ? event.payloadKey() : null;

    // Rule 4. Every remembered event stated a time <= maxStated, so a later one is new.
    if (window > 0 && stated <= maxStated && remembers(vf, vt, stated, payloadKey)) {
      out.duplicate = true;
      return out;
    }
    // Late events: the window can no longer tell whether this is a redelivery of a forgotten event.
    if (stated <= forgottenStated) {
      out.late = true;
      out.forgottenStated = forgottenStated;
      if (latePolicy == LatePolicy.DEAD_LETTER) {
        out.rejected = Reasons.LATE;
        return out;
      }
    }
    if (window > 0) remember(vf, vt, stated, payloadKey);
    else if (stated > forgottenStated) forgottenStated = stated; // a window of 0 forgets at once

    // Rule 5: never write a system time earlier than the key's clock.
    long t = stated;
    if (stated < clock) {
      t = clock + 1;
      out.adjustedSystemTime = true;
    }
    out.systemTime = t;

    int first = firstEndingAfter(vf);
    int end = first;
    while (end < rows.size() && rows.get(end).validFrom < vt) end++;

    // Walk the current rows overlapping V in valid-time order, building what replaces them.
    // `cursor` is where the part of V not yet accounted for starts.
    next.clear();
    long cursor = vf;
    boolean changed = false;
    Row<P> tail = null;
    for (int i = first; i < end; i++) {
      Row<P> r = rows.get(i);
      if (r.payloadKey.equals(payloadKey)) {
        // Unchanged fact: keep the row as it is, with its own system_from (rule 2).
        long from = Math.max(r.validFrom, vf);
        if (cursor < from) {
          stage(cursor, from, t, event.payload(), r.payloadKey, out);
          changed = true;
        }
        next.add(r);
        cursor = Math.min(r.validTo, vt);
        continue;
      }
      // Rule 1: cut the row. The part before V stays current and keeps the row's identity.
      changed = true;
      if (r.validFrom < vf) stage(r.validFrom, vf, r.systemFrom, r.payload, r.payloadKey, out);
      long from = Math.max(r.validFrom, vf);
      if (r.systemFrom < t) {
        out.closed.add(
            new Version<>(from, Math.min(r.validTo, vt), r.systemFrom, t, r.payload, r.payloadKey));
      } else if (from == r.validFrom) {
        // Rule 3: opened at t and closed at t is no row at all. Only the row's own identity was
        // ever written; a piece starting later inside it never existed for the sink.
        out.removed.add(new VersionId(r.validFrom, r.systemFrom));
      }
      if (r.validTo > vt) tail = r;
    }
    if (put && cursor < vt) {
      stage(cursor, vt, t, event.payload(), event.payloadKey(), out);
      changed = true;
    }
    if (tail != null) stage(vt, tail.validTo, tail.systemFrom, tail.payload, tail.payloadKey, out);
    if (!out.removed.isEmpty()) dropReAdded(out);
    if (changed) {
      rows.subList(first, end).clear();
      rows.addAll(first, next);
    }
    next.clear();
    // Rule 5: applied knowledge moves the clock, whether or not a row changed.
    clock = t;
    return out;
  }

  private void stage(
      long validFrom,
      long validTo,
      long systemFrom,
      P payload,
      String payloadKey,
      ApplyResult<P> out) {
    next.add(new Row<>(validFrom, validTo, systemFrom, payload, payloadKey));
    out.added.add(new Version<>(validFrom, validTo, systemFrom, Times.OPEN, payload, payloadKey));
  }

  /** A row removed by rule 3 and put back at the same (valid_from, system_from) is an update. */
  private static <P> void dropReAdded(ApplyResult<P> out) {
    out.removed.removeIf(
        gone ->
            out.added.stream()
                .anyMatch(
                    a -> a.validFrom() == gone.validFrom() && a.systemFrom() == gone.systemFrom()));
  }

  /** Index of the first current row whose validTo is after {@code t}. */
  private int firstEndingAfter(long t) {
    int lo = 0;
    int hi = rows.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (rows.get(mid).validTo <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private boolean remembers(long vf, long vt, long stated, String payloadKey) {
    for (int k = 0; k < ringUsed; k++) {
      if (ringTimes[3 * k + 2] == stated
          && ringTimes[3 * k] == vf
          && ringTimes[3 * k + 1] == vt
          && Objects.equals(ringKeys[k], payloadKey)) return true;
    }
    return false;
  }

  private void remember(long vf, long vt, long stated, String payloadKey) {
    if (stated > maxStated) maxStated = stated;
    int slot;
    if (ringUsed < window) {
      if (ringUsed == ringKeys.length) grow(Math.min(window, Math.max(4, 2 * ringKeys.length)));
      slot = ringUsed++;
    } else {
      slot = ringNext;
      ringNext = slot + 1 == window ? 0 : slot + 1;
      // Late events: the evicted entry is forgotten; remember how late that was.
      forgottenStated = Math.max(forgottenStated, ringTimes[3 * slot + 2]);
    }
    ringTimes[3 * slot] = vf;
    ringTimes[3 * slot + 1] = vt;
    ringTimes[3 * slot + 2] = stated;
    ringKeys[slot] = payloadKey;
  }

  private void grow(int slots) {
    ringTimes = java.util.Arrays.copyOf(ringTimes, 3 * slots);
    ringKeys = java.util.Arrays.copyOf(ringKeys, slots);
  }

  // ---------------------------------------------------------------------------------------------
  // Snapshots: one packed value per key (the Flink job keeps it in a single ValueState<byte[]>).

  /** Writes the whole state; payloads through {@code codec}. */
  public void writeTo(DataOutput out, PayloadCodec<P> codec) throws IOException {
    out.writeByte(SNAPSHOT_FORMAT);
    out.writeLong(clock);
    out.writeLong(forgottenStated);
    out.writeInt(ringUsed);
    // Oldest first: once the ring is full the oldest entry is the next one to overwrite.
    java.util.HashMap<String, Integer> written = new java.util.HashMap<>(2 * ringUsed + 1);
    for (int j = 0; j < ringUsed; j++) {
      int k = (ringNext + j) % ringUsed;
      out.writeLong(ringTimes[3 * k]);
      out.writeLong(ringTimes[3 * k + 1]);
      out.writeLong(ringTimes[3 * k + 2]);
      writeString(out, ringKeys[k]);
      if (ringKeys[k] != null) written.putIfAbsent(ringKeys[k], j);
    }
    out.writeInt(rows.size());
    for (Row<P> r : rows) {
      out.writeLong(r.validFrom);
      out.writeLong(r.validTo);
      out.writeLong(r.systemFrom);
      Integer same = r.payloadKey == null ? null : written.get(r.payloadKey);
      if (same != null) out.writeInt(-2 - same);
      else writeString(out, r.payloadKey);
      codec.write(out, r.payload);
    }
  }

  /**
   * Rebuilds a state written by {@link #writeTo}. With a smaller window than it was written with,
   * the oldest remembered events are dropped, and count as forgotten.
   */
  public static <P> BitemporalKeyState<P> readFrom(
      DataInput in, PayloadCodec<P> codec, int dedupWindow, LatePolicy latePolicy)
      throws IOException {
    int format = in.readByte();
    if (format != 1 && format != SNAPSHOT_FORMAT)
      throw new IOException("unknown bi-temporal state format " + format);
    BitemporalKeyState<P> s = new BitemporalKeyState<>(dedupWindow, latePolicy);
    s.clock = in.readLong();
    s.forgottenStated = in.readLong();
    int remembered = in.readInt();
    int skip = Math.max(0, remembered - s.window);
    String[] keys = new String[remembered];
    for (int j = 0; j < remembered; j++) {
      long vf = in.readLong();
      long vt = in.readLong();
      long stated = in.readLong();
      String key = readString(in);
      keys[j] = key;
      if (j < skip) s.forgottenStated = Math.max(s.forgottenStated, stated);
      else s.remember(vf, vt, stated, key);
    }
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      long vf = in.readLong();
      long vt = in.readLong();
      long sf = in.readLong();
      int length = in.readInt();
      String key;
      if (length <= -2 && format >= 2) {
        int j = -2 - length;
        if (j >= remembered)
          throw new IOException("a row refers to remembered event " + j + " of " + remembered);
        key = keys[j];
      } else key = readString(in, length);
      s.rows.add(new Row<>(vf, vt, sf, codec.read(in), key));
    }
    return s;
  }

  static void writeString(DataOutput out, String s) throws IOException {
    if (s == null) {
      out.writeInt(-1);
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  static String readString(DataInput in) throws IOException {
    return readString(in, in.readInt());
  }

  private static String readString(DataInput in, int n) throws IOException {
    if (n == -1) return null;
    if (n < 0) throw new IOException("a string of length " + n);
    byte[] b = new byte[n];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
