package lakec.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import lakec.runtime.json.Json;

/**
 * The shared fixtures of lakec's test/vectors/ (bitemporal/, current/, mapping/, lines/), read from
 * the files: the folder is the system property {@code lakec.vectors} (the build sets it).
 */
public final class Fixtures {
  private Fixtures() {}

  public static Path dir(String kind) {
    String root = System.getProperty("lakec.vectors");
    if (root == null)
      throw new IllegalStateException(
          "the system property lakec.vectors (the shared fixtures' folder) is not set");
    return Path.of(root, kind);
  }

  /** Every {@code *.json} file of test/vectors/KIND, sorted by name, parsed. */
  @SuppressWarnings("unchecked")
  public static List<Map.Entry<String, Map<String, Object>>> load(String kind) throws IOException {
    List<Map.Entry<String, Map<String, Object>>> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir(kind))) {
      for (Path p :
          files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
        try {
          out.add(
              Map.entry(
                  p.getFileName().toString(),
                  (Map<String, Object>) Json.parse(Files.readString(p, StandardCharsets.UTF_8))));
        } catch (Json.ParseException e) {
          throw new IOException(p + ": " + e.getMessage(), e);
        }
      }
    }
    assertTrue(!out.isEmpty(), "no fixtures in " + dir(kind));
    return out;
  }
}
