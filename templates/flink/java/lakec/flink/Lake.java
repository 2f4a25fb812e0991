package lakec.flink;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lakec.runtime.json.Json;

/**
 * The lake's datasets that a stream feeds, one Managed Flink application each: the resource
 * lakec/lake.json lists them, and lakec/datasets/DATASET.json describes each, as lakec decided from
 * the spec.
 */
public final class Lake {
  /** The lake's name. */
  public static final String NAME;

  /** The lake's datasets with a stream, sorted. */
  public static final List<String> DATASETS;

  static {
    Map<?, ?> lake = (Map<?, ?>) read("/lakec/lake.json");
    NAME = (String) lake.get("lake");
    List<String> names = new ArrayList<>();
    for (Object d : (List<?>) lake.get("datasets")) names.add((String) d);
    DATASETS = List.copyOf(names);
  }

  private Lake() {}

  /** The dataset an application runs when the properties name none: the only one, else none. */
  public static String onlyDataset() {
    return DATASETS.size() == 1 ? DATASETS.get(0) : null;
  }

  public static JobSpec job(String dataset) {
    if (dataset == null) {
      throw new IllegalArgumentException(
          "set the application property dataset of group lakec to one of " + DATASETS);
    }
    if (!DATASETS.contains(dataset)) {
      throw new IllegalArgumentException(
          "lake " + NAME + " has no dataset '" + dataset + "' fed by a stream (" + DATASETS + ")");
    }
    return JobSpec.parse(Json.stringify(read("/lakec/datasets/" + dataset + ".json")));
  }

  private static Object read(String resource) {
    try (InputStream in = Lake.class.getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException("the jar lacks " + resource);
      return Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Json.ParseException e) {
      throw new IllegalStateException(resource + " is not JSON: " + e.getMessage(), e);
    }
  }
}
