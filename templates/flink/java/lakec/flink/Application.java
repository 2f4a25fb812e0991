package lakec.flink;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The Managed Service for Apache Flink entry point (the jar's main class): runs the dataset named
 * by the application property {@code lakec/dataset} (optional when the lake has one dataset fed by
 * a stream). With {@code --properties FILE} it reads the property groups from FILE instead of the
 * service's {@code /etc/flink/application_properties.json}; checkpointing and the state backend are
 * the service's (it rejects them in code), see {@link LocalRunner} for local runs.
 */
public final class Application {
  private Application() {}

  public static void main(String[] args) throws Exception {
    String properties = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--properties") && i + 1 < args.length) properties = args[++i];
      else
        throw new IllegalArgumentException(
            "unknown argument '" + args[i] + "' (usage: [--properties FILE])");
    }
    Settings settings = Settings.load(properties);
    JobSpec job = Lake.job(settings.get("lakec", "dataset", Lake.onlyDataset()));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    DatasetJob.build(
        env,
        job,
        settings,
        org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy.noOp());
    env.execute(job.application);
  }
}
