/**
 * Versions the generated project pins: the same as lakec's own development dependencies, so the
 * app lakec tests is the app the team deploys (test/codegen/project.test.ts checks they agree).
 */
export const pinned = {
  'aws-cdk-lib': '2.276.0',
  constructs: '10.8.1',
  'cdk-nag': '3.0.2',
  esbuild: '0.25.12',
  tsx: '4.23.15',
  typescript: '5.9.3',
  '@types/node': '20.19.43',
} as const;

/**
 * What the vendored runtime (OUT/lakec/runtime.js) imports at run time: DuckDB for the warehouse
 * and the Kinesis client for the Kinesis source and the load test's kinesis target (with the SDK's
 * HTTP/1.1 handler, for local Kinesis servers). The generated project's only `dependencies`.
 */
export const runtimeDependencies = {
  '@aws-sdk/client-kinesis': '3.1143.0',
  '@duckdb/node-api': '1.5.6-r.1',
  '@smithy/node-http-handler': '4.14.2',
} as const;

/**
 * AWS SDK clients the Lambda handlers (bundled into each function) and the preflight use. AWS
 * publishes each client only when it changes, so each has its own latest release of the line.
 */
export const awsSdkClients = {
  '@aws-sdk/client-accessanalyzer': '3.1080.0',
  '@aws-sdk/client-athena': '3.1143.0',
  '@aws-sdk/client-glue': '3.1143.0',
  '@aws-sdk/client-iam': '3.1143.0',
  '@aws-sdk/client-kinesis-analytics-v2': '3.1112.0',
  '@aws-sdk/client-lakeformation': '3.1048.0',
  '@aws-sdk/client-quicksight': '3.1143.0',
  '@aws-sdk/client-s3': '3.1143.0',
  '@aws-sdk/client-scheduler': '3.1143.0',
  '@aws-sdk/client-sts': '3.1143.0',
  '@aws-sdk/s3-request-presigner': '3.1143.0',
  // The preflight's Kinesis client over HTTP/1.1 (the client's default handler is HTTP/2, which
  // local stand-ins of AWS do not speak).
  '@smithy/node-http-handler': '4.14.2',
  // The sandbox test signs its catalog API requests (SigV4) as each api persona.
  '@smithy/signature-v4': '5.7.5',
} as const;

/** The aws-cdk CLI (its own version line), for `npx cdk deploy`. */
export const awsCdkCli = '2.1148.1';
