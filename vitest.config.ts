import { defaultExclude, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Generated projects written by the build tests carry their own tests: they run in their
    // own project (test/build), never as part of lakec's suite.
    exclude: [...defaultExclude, 'out/**', 'test/**/out/**', 'editors/**/node_modules/**'],
  },
});
