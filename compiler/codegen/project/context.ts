/** CDK context every synthesis of a generated app uses (`infra/lake-app.ts` sets the same). */
export const lakeContext = {
  '@aws-cdk/core:validateAgainstDefaultRules': true,
  'aws:cdk:disable-creation-stack-traces': true,
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
} as const;
