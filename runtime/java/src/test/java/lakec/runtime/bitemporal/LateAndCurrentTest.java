package lakec.runtime.bitemporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * Late events and current-state keys on small windows. The shared vectors cover the same rules once
 * they carry late-event cases; these pin the Java side's mechanics: eviction, the forgotten time
 * through a snapshot, both policies, and redeliveries by key.
 */
class LateAndCurrentTest {
  static final PayloadCodec<String> STRINGS =
      new PayloadCodec<>() {
        @Override
        public void write(DataOutput out, String payload) throws IOException {
          out.writeUTF(payload);
        }

        @Override
        public String read(DataInput in) throws IOException {
          return in.readUTF();
        }
      };

  static Event<String> put(long validFrom, long system, String value) {
    return Event.put(validFrom, Times.OPEN, system, value, "[\"" + value + "\"]");
  }

  static <P> BitemporalKeyState<P> roundTrip(
      BitemporalKeyState<P> s, PayloadCodec<P> codec, int window, LatePolicy policy)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    s.writeTo(new DataOutputStream(bytes), codec);
    return BitemporalKeyState.readFrom(
        new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), codec, window, policy);
  }

  @Test
  void anEventAtOrBeforeTheForgottenTimeIsLateAndAppliedByDefault() throws IOException {
    BitemporalKeyState<String> s = new BitemporalKeyState<>(2, LatePolicy.APPLY);
    ApplyResult<String> out = new ApplyResult<>();
    s.apply(put(0, 10, "a"), out);
    s.apply(put(0, 20, "b"), out);
    assertEquals(Times.NONE, s.forgottenStated());
    s.apply(put(0, 30, "c"), out); // evicts the event stated at 10
    assertEquals(10, s.forgottenStated());
    s = roundTrip(s, STRINGS, 2, LatePolicy.APPLY);
    assertEquals(10, s.forgottenStated());
    s.apply(put(0, 10, "a"), out); // a redelivery the window forgot: late, applied, raised
    assertTrue(out.late);
    assertFalse(out.duplicate);
    assertTrue(out.adjustedSystemTime);
    assertEquals(31, out.systemTime);
    assertEquals(31, s.clock());
    s.apply(put(0, 30, "c"), out); // still remembered: a duplicate, not late
    assertTrue(out.duplicate);
    assertFalse(out.late);
    s.apply(put(0, 20, "b"), out); // remembering the late event evicted b: now b is late too
    assertTrue(out.late);
  }

  @Test
  void underTheDeadLetterPolicyALateEventChangesNothing() {
    BitemporalKeyState<String> s = new BitemporalKeyState<>(1, LatePolicy.DEAD_LETTER);
    ApplyResult<String> out = new ApplyResult<>();
    s.apply(put(0, 10, "a"), out);
    s.apply(put(0, 20, "b"), out);
    s.apply(put(0, 15, "x"), out); // after the forgotten time (10): not late, raised
    assertNull(out.rejected);
    assertEquals(21, out.systemTime);
    s.apply(put(0, 10, "y"), out);
    assertEquals(Reasons.LATE, out.rejected);
    assertTrue(out.late);
    assertEquals(20, out.forgottenStated); // remembering x evicted b, stated at 20
    assertEquals(21, s.clock());
    assertEquals("x", s.currentRows().get(0).payload());
  }

  @Test
  void aWindowOfZeroForgetsEveryEventAtOnce() {
    BitemporalKeyState<String> s = new BitemporalKeyState<>(0, LatePolicy.APPLY);
    ApplyResult<String> out = new ApplyResult<>();
    s.apply(put(0, 10, "a"), out);
    s.apply(put(0, 10, "a"), out);
    assertFalse(out.duplicate);
    assertTrue(out.late);
    s.apply(put(0, 11, "b"), out);
    assertFalse(out.late);
  }

  @Test
  void aSmallerWindowOnRestoreForgetsTheOldestEntries() throws IOException {
    BitemporalKeyState<String> s = new BitemporalKeyState<>(4, LatePolicy.APPLY);
    ApplyResult<String> out = new ApplyResult<>();
    for (int i = 1; i <= 4; i++) s.apply(put(0, 10 * i, "v" + i), out);
    s = roundTrip(s, STRINGS, 2, LatePolicy.APPLY);
    assertEquals(20, s.forgottenStated());
    s.apply(put(0, 30, "v3"), out);
    assertTrue(out.duplicate);
  }

  @Test
  void aCurrentStateKeyUpsertsDeletesAndRecognizesRedeliveries() throws IOException {
    CurrentKeyState<String> s = new CurrentKeyState<>(2);
    assertEquals(CurrentKeyState.Outcome.UNCHANGED, s.apply(Op.DELETE, null, null));
    assertEquals(CurrentKeyState.Outcome.UPSERTED, s.apply(Op.PUT, "a", "[\"a\"]"));
    assertEquals(CurrentKeyState.Outcome.DUPLICATE, s.apply(Op.PUT, "a", "[\"a\"]"));
    assertEquals(CurrentKeyState.Outcome.UPSERTED, s.apply(Op.PUT, "b", "[\"b\"]"));
    assertEquals(CurrentKeyState.Outcome.DUPLICATE, s.apply(Op.PUT, "b", "[\"b\"]"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    s.writeTo(new DataOutputStream(bytes), STRINGS);
    s =
        CurrentKeyState.readFrom(
            new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), STRINGS, 2);
    assertEquals("b", s.payload());
    assertEquals(CurrentKeyState.Outcome.DELETED, s.apply(Op.DELETE, null, null));
    assertFalse(s.hasRow());
    // The window (2) now holds the put of b and the delete: a put of a is new again.
    assertEquals(CurrentKeyState.Outcome.UPSERTED, s.apply(Op.PUT, "a", "[\"a\"]"));
  }

  @Test
  void aRowSharesItsEventsPayloadKeyInTheSnapshotAndFormatOneIsStillRead() throws IOException {
    BitemporalKeyState<String> s = new BitemporalKeyState<>(4, LatePolicy.APPLY);
    ApplyResult<String> out = new ApplyResult<>();
    s.apply(put(0, 10, "a"), out);
    s.apply(put(5, 20, "b"), out);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    s.writeTo(new DataOutputStream(bytes), STRINGS);
    // Format 2: header (1 + 8 + 8 + 4), two remembered events (24 + 4 + 5 each), two rows whose
    // payload keys are references (24 + 4 + the payload each): each key is written once.
    assertEquals(21 + 2 * 33 + 4 + 2 * (28 + 3), bytes.size());
    BitemporalKeyState<String> back = roundTrip(s, STRINGS, 4, LatePolicy.APPLY);
    assertEquals(s.currentRows(), back.currentRows());
    back.apply(put(5, 20, "b"), out);
    assertTrue(out.duplicate);

    // The same state as format 1 wrote it: every payload key in full.
    ByteArrayOutputStream v1 = new ByteArrayOutputStream();
    DataOutputStream o = new DataOutputStream(v1);
    o.writeByte(1);
    o.writeLong(20);
    o.writeLong(Times.NONE);
    o.writeInt(2);
    for (long[] e : new long[][] {{0, Times.OPEN, 10}, {5, Times.OPEN, 20}}) {
      for (long t : e) o.writeLong(t);
      BitemporalKeyState.writeString(o, e[0] == 0 ? "[\"a\"]" : "[\"b\"]");
    }
    o.writeInt(2);
    for (Version<String> v : s.currentRows()) {
      o.writeLong(v.validFrom());
      o.writeLong(v.validTo());
      o.writeLong(v.systemFrom());
      BitemporalKeyState.writeString(o, "[\"" + v.payload() + "\"]");
      STRINGS.write(o, v.payload());
    }
    BitemporalKeyState<String> old =
        BitemporalKeyState.readFrom(
            new DataInputStream(new ByteArrayInputStream(v1.toByteArray())),
            STRINGS,
            4,
            LatePolicy.APPLY);
    assertEquals(s.currentRows(), old.currentRows());
    assertEquals(s.clock(), old.clock());
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    old.writeTo(new DataOutputStream(again), STRINGS);
    assertEquals(
        java.util.Arrays.toString(bytes.toByteArray()),
        java.util.Arrays.toString(again.toByteArray()));
  }
}
