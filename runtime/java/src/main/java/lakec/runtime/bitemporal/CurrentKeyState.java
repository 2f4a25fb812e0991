package lakec.runtime.bitemporal;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * The state of one key of a current-state table (a dataset with a {@code key} and no {@code
 * bitemporal} block): one row per key, upserted in arrival order; a delete removes it. An exact
 * redelivery (equal op and equal payload key to one of the key's last {@code dedupWindow} applied
 * events) is a duplicate and changes nothing.
 */
public final class CurrentKeyState<P> {
  private static final int SNAPSHOT_FORMAT = 1;

  /** What applying an event did. */
  public enum Outcome {
    /** The key's row is now the event's (written as an upsert by key). */
    UPSERTED,
    /** The key's row was removed (written as a delete by key). */
    DELETED,
    /** A delete of a key with no row, or a put of the row's own value: nothing to write. */
    UNCHANGED,
    /** Rule 4: already applied. */
    DUPLICATE
  }

  private final int window;
  private P payload;
  private String payloadKey;

  /** Remembered events: payload key, or null for a delete. */
  private String[] ring = new String[0];

  private int ringUsed;
  private int ringNext;

  public CurrentKeyState(int dedupWindow) {
    if (dedupWindow < 0)
      throw new IllegalArgumentException(
          "dedupWindow must be a non-negative integer, got " + dedupWindow);
    this.window = dedupWindow;
  }

  public P payload() {
    return payload;
  }

  public boolean hasRow() {
    return payloadKey != null;
  }

  /** Applies a put ({@code payloadKey} non-null) or a delete ({@code op} DELETE). */
  public Outcome apply(Op op, P eventPayload, String eventPayloadKey) {
    String key =
        op == Op.PUT
            ? Objects.requireNonNull(eventPayloadKey, "a put needs its payload key")
            : null;
    for (int k = 0; k < ringUsed; k++) if (Objects.equals(ring[k], key)) return Outcome.DUPLICATE;
    if (window > 0) remember(key);
    if (op == Op.PUT) {
      if (key.equals(payloadKey)) return Outcome.UNCHANGED;
      payload = eventPayload;
      payloadKey = key;
      return Outcome.UPSERTED;
    }
    if (payloadKey == null) return Outcome.UNCHANGED;
    payload = null;
    payloadKey = null;
    return Outcome.DELETED;
  }

  private void remember(String key) {
    int slot;
    if (ringUsed < window) {
      if (ringUsed == ring.length)
        ring = Arrays.copyOf(ring, Math.min(window, Math.max(4, 2 * ring.length)));
      slot = ringUsed++;
    } else {
      slot = ringNext;
      ringNext = slot + 1 == window ? 0 : slot + 1;
    }
    ring[slot] = key;
  }

  public void writeTo(DataOutput out, PayloadCodec<P> codec) throws IOException {
    out.writeByte(SNAPSHOT_FORMAT);
    out.writeInt(ringUsed);
    for (int j = 0; j < ringUsed; j++)
      BitemporalKeyState.writeString(out, ring[(ringNext + j) % ringUsed]);
    out.writeBoolean(payloadKey != null);
    if (payloadKey != null) {
      BitemporalKeyState.writeString(out, payloadKey);
      codec.write(out, payload);
    }
  }

  public static <P> CurrentKeyState<P> readFrom(
      DataInput in, PayloadCodec<P> codec, int dedupWindow) throws IOException {
    int format = in.readByte();
    if (format != SNAPSHOT_FORMAT) throw new IOException("unknown current-state format " + format);
    CurrentKeyState<P> s = new CurrentKeyState<>(dedupWindow);
    int remembered = in.readInt();
    for (int j = 0; j < remembered; j++) {
      String key = BitemporalKeyState.readString(in);
      if (j >= remembered - s.window) s.remember(key);
    }
    if (in.readBoolean()) {
      s.payloadKey = BitemporalKeyState.readString(in);
      s.payload = codec.read(in);
    }
    return s;
  }
}
