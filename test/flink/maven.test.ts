/**
 * HEAVY (Java 17 and Maven): the Java code as Maven builds it.
 *
 * - runtime/java on its own: the bi-temporal core on every shared vector and the mapping on every
 *   shared fixture, read from test/vectors;
 * - `mvn verify` on the generated flink/ project of every example with a stream, in one Maven
 *   reactor: the same tests on the vectors and fixtures as the projects carry them, each
 *   dataset's whole job in a MiniCluster (RocksDB, checkpoints, Iceberg read back, a stop with a
 *   savepoint and a resume), compiled with -Xlint and no warning, and the shaded jar with its
 *   main class.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeQuietly } from '../../runtime/io/files.ts';
import { tempDir } from '../runtime/support.ts';
import { compileAt, root } from '../support/compile.ts';
import { mavenTail, mvn, writeFlinkProject } from './support.ts';

const examples = [
  { module: 'audit', path: 'examples/audit-surveillance.lake', specName: 'audit-surveillance.lake', artifact: 'audit-surveillance-flink' },
  { module: 'retail', path: 'examples/retail-orders.lake', specName: 'retail-orders.lake', artifact: 'retail-orders-flink' },
  { module: 'iot', path: 'examples/iot-telemetry', specName: 'iot-telemetry', artifact: 'iot-telemetry-flink' },
];

const work = tempDir('flink-maven');
afterAll(() => removeQuietly(work));

describe('Maven', () => {
  it('runtime/java passes its tests on the shared vectors and mapping fixtures', async () => {
    const r = await mvn(join(root, 'runtime/java'), ['verify']);
    expect(r.code, mavenTail(r.output)).toBe(0);
    expect(r.output).toMatch(/Tests run: \d+, Failures: 0, Errors: 0/);
  }, 600_000);

  it('verifies the generated project of every example with a stream, in one reactor', async () => {
    for (const e of examples) {
      const c = compileAt(e.path);
      expect(c.model, e.path).toBeDefined();
      expect(writeFlinkProject(c.model!, e.specName, join(work, e.module))).toBeGreaterThan(50);
    }
    writeFileSync(join(work, 'pom.xml'), `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>lakec.tests</groupId>
  <artifactId>examples</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <modules>
${examples.map((e) => `    <module>${e.module}</module>`).join('\n')}
  </modules>
</project>
`);
    // --fail-at-end: every project is built and tested even when an earlier one fails.
    const r = await mvn(work, ['--fail-at-end', 'verify']);
    expect(r.code, mavenTail(r.output)).toBe(0);
    // Each project's JobTest ran its datasets' jobs; nothing was skipped; javac warned about nothing.
    expect(r.output).toMatch(/Tests run: \d+, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: [\d.]+ s -- in lakec\.flink\.JobTest/);
    expect(r.output).not.toMatch(/\[WARNING\] .*\.java:\[\d+,\d+\]/);
    for (const e of examples) {
      const jar = join(work, e.module, 'target', `${e.artifact}-0.1.0.jar`);
      expect(statSync(jar).size).toBeGreaterThan(20 * 1024 * 1024);
      execFileSync('jar', ['xf', jar, 'META-INF/MANIFEST.MF'], { cwd: join(work, e.module, 'target') });
      const manifest = readFileSync(join(work, e.module, 'target', 'META-INF', 'MANIFEST.MF'), 'utf8');
      expect(manifest).toContain('Main-Class: lakec.flink.Application');
    }
  }, 1_800_000);
});
