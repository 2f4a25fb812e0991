/**
 * Handlebars templates from `templates/<target>/`: compiled once per process, with a few small
 * helpers and no logic beyond them (the generators prepare view models).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';

// The package root holds templates/. This module runs from compiler/codegen/ (sources, tsx) or
// from a chunk under compiler/dist/ (the bundle), so look upwards rather than count levels.
/** lakec's package root: it holds templates/, runtime/ and compiler/dist/. */
export const packageRoot = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
const templatesRoot = join(packageRoot, 'templates') + sep;

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'templates')) && existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`lakec's templates/ folder is missing (looked upwards from ${from})`);
  }
}

/**
 * The files under a folder of lakec's package (`runtime/java/src/main/java`, `templates/flink/java`),
 * as paths relative to it with forward slashes, sorted: code a target writes into generated
 * projects as it is (the Java runtime lives once in runtime/, STYLE.md).
 */
export function packageFiles(folder: string): { path: string; content: string }[] {
  const root = join(templatesRoot, '..', folder);
  const out: { path: string; content: string }[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const abs = join(dir, name);
      if (statSync(abs).isDirectory()) walk(abs, `${rel}${name}/`);
      else out.push({ path: `${rel}${name}`, content: readFileSync(abs, 'utf8') });
    }
  };
  walk(root, '');
  return out;
}

const hb = Handlebars.create();
hb.registerHelper('json', (value: unknown) => new hb.SafeString(JSON.stringify(value)));
hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
hb.registerHelper('join', (items: unknown, sep: unknown) => (Array.isArray(items) ? items.join(typeof sep === 'string' ? sep : ', ') : ''));

const cache = new Map<string, Handlebars.TemplateDelegate>();

/** Renders `templates/<name>` (e.g. `cdk/app.ts.hbs`) with a view model; output is not HTML-escaped. */
export function render(name: string, view: unknown): string {
  let t = cache.get(name);
  if (t === undefined) {
    const source = readFileSync(templatesRoot + name, 'utf8');
    t = hb.compile(source, { noEscape: true, strict: true });
    cache.set(name, t);
  }
  return t(view);
}
