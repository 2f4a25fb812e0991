/**
 * What the generated Flink project builds against: the Managed Service for Apache Flink runtime
 * FLINK-2_2 and the releases checked to resolve and work together on it (FIELD-NOTES.md).
 */
export const flinkVersions = {
  /** The application's RuntimeEnvironment. */
  runtimeEnvironment: 'FLINK-2_2',
  flink: '2.2.0',
  iceberg: '1.11.0',
  /** Iceberg publishes no runtime for Flink 2.2 yet; the 2.1 one works on 2.2 and 2.3. */
  icebergFlinkArtifact: 'iceberg-flink-runtime-2.1',
  hadoop: '3.4.1',
  kinesisAnalyticsRuntime: '1.2.0',
  /** The Kinesis connector's Flink-2 line; not served by the registry lakec is tested against (-Pkinesis). */
  kinesisConnector: '6.0.0-2.0',
  junit: '5.11.4',
  /** Flink 2.2 still logs through slf4j 1. */
  slf4j: '1.7.36',
} as const;

/** Java 17 module openings Flink, RocksDB and Kryo need (the local runner and the tests pass them). */
export const javaOpens = [
  'java.base/java.lang',
  'java.base/java.lang.reflect',
  'java.base/java.io',
  'java.base/java.net',
  'java.base/java.nio',
  'java.base/java.util',
  'java.base/java.util.concurrent',
  'java.base/java.util.concurrent.atomic',
  'java.base/java.text',
  'java.base/java.time',
  'java.base/sun.nio.ch',
  'java.base/sun.nio.cs',
  'java.base/sun.security.action',
  'java.base/sun.util.calendar',
] as const;

export function addOpens(): string[] {
  return javaOpens.map((m) => `--add-opens=${m}=ALL-UNNAMED`);
}
