import { defaultExclude, defineConfig } from 'vitest/config';

/**
 * Tests that each keep both cores busy for a minute or more on their own (whole generated
 * projects installed and tested, CDK synthesis, `lakec run` killed and restarted, property
 * tests over DuckDB): they run one at a time, after the others, so that none of them runs
 * beside another one on a 2-core machine that may be busy with other work too (CI shares its
 * machine). Each of them waits for observed progress, never for a fixed time.
 */
const heavy = [
  'test/build/project.test.ts',
  'test/build/synth.test.ts',
  'test/build/access.property.test.ts',
  'test/build/loadtest.test.ts',
  'test/cli/run.crash.test.ts',
  'test/runtime/pipeline.properties.test.ts',
  'test/runtime/strings.properties.test.ts',
  'test/editors/vscode.test.ts',
];

export default defineConfig({
  test: {
    // Generated projects written by the build tests carry their own tests: they run in their
    // own project (test/build), never as part of lakec's suite.
    exclude: [...defaultExclude, 'out/**', 'test/**/out/**', 'editors/**/node_modules/**'],
    // Generous limits: a test's time says nothing about its correctness on a loaded machine, and
    // a slow machine must not fail the suite (tests with more work set their own, larger, ones).
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'main', exclude: [...defaultExclude, 'out/**', 'test/**/out/**', 'editors/**/node_modules/**', ...heavy] } },
      { extends: true, test: { name: 'heavy', include: heavy, fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
