/**
 * Handlebars templates from `templates/<target>/`: compiled once per process, with a few small
 * helpers and no logic beyond them (the generators prepare view models).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';

// Both compiler/codegen/*.ts (tests, tsx) and the bundle compiler/dist/lakec.js sit two levels
// below the package root, where templates/ lives.
const templatesRoot = fileURLToPath(new URL('../../templates/', import.meta.url));

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
