package lakec.runtime.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parser on what JavaScript's JSON.parse accepts and refuses beyond the shared fixtures. */
class JsonTest {
  @Test
  void anyNestingDepthParses() throws Exception {
    int depth = 1_000_000;
    String text = "{\"a\":" + "[".repeat(depth) + "]".repeat(depth) + ",\"b\":1}";
    @SuppressWarnings("unchecked")
    Map<String, Object> o = (Map<String, Object>) Json.parse(text);
    assertEquals(1.0, o.get("b"));
    Object x = o.get("a");
    int seen = 0;
    while (x instanceof List<?> l && !l.isEmpty()) {
      x = l.get(0);
      seen++;
    }
    assertEquals(depth - 1, seen);
    assertThrows(
        Json.ParseException.class, () -> Json.parse("[".repeat(depth) + "]".repeat(depth - 1)));
  }

  @Test
  void escapesTakeAsciiHexDigitsOnly() {
    // Character.digit would read these as digits; JSON.parse does not.
    assertThrows(Json.ParseException.class, () -> Json.parse("\"\\u\u0661\u0662\u0663\u0664\""));
    assertThrows(Json.ParseException.class, () -> Json.parse("\"\\u\uff21\uff21\uff21\uff21\""));
  }

  @Test
  void theLastOfDuplicateMembersWinsInTheFirstPlace() throws Exception {
    assertEquals("{\"a\":3,\"b\":2}", Json.stringify(Json.parse("{\"a\":1,\"b\":2,\"a\":3}")));
    assertEquals("{\"1\":0,\"x\":[1]}", Json.stringify(Json.parse("{\"x\":[1],\"1\":0}")));
  }

  @Test
  void numberTextAtReadsTheLastDuplicate() {
    assertEquals(
        "9007199254740995",
        JsonText.numberTextAt("{\"l\":9007199254740993, \"l\" : 9007199254740995}", List.of("l")));
    assertEquals(
        "12.50",
        JsonText.numberTextAt("{\"a\":{\"b\":[0,{\"c\":12.50}]}}", List.of("a", "b", 1.0, "c")));
    assertEquals(null, JsonText.numberTextAt("{\"a\":\"1\"}", List.of("a")));
    assertEquals("1", JsonText.numberTextAt("{\"a\\u0062\":1}", List.of("ab")));
  }
}
