package lakec.runtime.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import lakec.runtime.Fixtures;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared line fixtures (test/vectors/lines), read from the file: {@link LineFile} hands out
 * exactly the records lakec's TypeScript FileSource does (test/runtime/lines.fixtures.test.ts runs
 * the same file), including the text of bytes that are not UTF-8 as Node decodes them.
 */
class LineFileTest {
  @TempDir Path work;

  @SuppressWarnings("unchecked")
  @TestFactory
  Stream<DynamicTest> everyCase() throws Exception {
    List<DynamicTest> tests = new ArrayList<>();
    Map<String, Object> fixture = Fixtures.load("lines").get(0).getValue();
    List<Object> cases = (List<Object>) fixture.get("cases");
    for (int i = 0; i < cases.size(); i++) {
      Map<String, Object> c = (Map<String, Object>) cases.get(i);
      int n = i;
      tests.add(
          DynamicTest.dynamicTest(
              (String) c.get("name"),
              () -> {
                Path file = work.resolve("case-" + n + ".jsonl");
                Files.write(file, Base64.getDecoder().decode((String) c.get("bytes")));
                int limit =
                    c.get("maxLineBytes") instanceof Double d
                        ? (int) (double) d
                        : LineFile.MAX_LINE_BYTES;
                List<Object> actual = new ArrayList<>();
                try (LineFile f = LineFile.open(file.toString(), limit)) {
                  assertEquals(f.count(), LineFile.countLines(file.toString()));
                  for (int k = 0; k < f.count(); k++) actual.add(fixtureForm(f.read(k)));
                  // Read out of order too (a restore seeks to a line).
                  for (int k = f.count() - 1; k >= 0; k--)
                    assertEquals(actual.get(k), fixtureForm(f.read(k)));
                }
                assertEquals(c.get("records"), actual);
              }));
    }
    return tests.stream();
  }

  static Map<String, Object> fixtureForm(Record r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("text", r.text());
    if (r.unreadable() != null) out.put("unreadable", r.unreadable());
    if (r.bytes() != null) out.put("bytes", Base64.getEncoder().encodeToString(r.bytes()));
    return out;
  }
}
