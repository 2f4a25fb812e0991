package lakec.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.googlejavaformat.java.Formatter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Java file lakec writes into a generated project (runtime/java/src and templates/flink, the
 * system property lakec.javaSources) is formatted as google-java-format formats it. Not copied into
 * generated projects (they do not depend on the formatter).
 */
class FormattingTest {
  @Test
  void everyJavaSourceIsFormatted() throws Exception {
    String roots = System.getProperty("lakec.javaSources");
    assertTrue(roots != null, "the system property lakec.javaSources is not set");
    List<String> unformatted = new ArrayList<>();
    int files = 0;
    Formatter formatter = new Formatter();
    for (String root : roots.split(",")) {
      try (Stream<Path> all = Files.walk(Path.of(root))) {
        for (Path p : all.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
          files++;
          String text = Files.readString(p, StandardCharsets.UTF_8);
          if (!formatter.formatSource(text).equals(text)) unformatted.add(p.toString());
        }
      } catch (IOException e) {
        throw new IOException("cannot read " + root + ": " + e.getMessage(), e);
      }
    }
    assertTrue(files > 30, "found only " + files + " Java files under " + roots);
    assertEquals(List.of(), unformatted, "not formatted by google-java-format");
  }
}
