/**
 * Handlebars templates from `templates/<target>/`: compiled once per process, with a few small
 * helpers and no logic beyond them (the generators prepare view models).
 */
import { existsSync, readFileSync } from 'node:fs';
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
