/**
 * IANA time zone names, as EventBridge Scheduler's `ScheduleExpressionTimezone` takes them, checked
 * against the time zone database of the JavaScript engine lakec runs on (ICU's copy of the IANA
 * database). A name is accepted when the engine knows it, spelled with the database's case (the
 * service reads names case-sensitively): a canonical zone (`America/New_York`), `UTC`, or a link
 * of the database (`US/Eastern`, `Asia/Kolkata`), whose parts start with an upper-case letter.
 */
import { closest } from '../diagnostics/suggest.ts';

export type TimeZoneCheck = { readonly ok: true } | { readonly ok: false; readonly message: string; readonly fixed?: string };

let zones: ReadonlySet<string> | undefined;

/** The engine's canonical zone names, and UTC. */
export function knownTimeZones(): ReadonlySet<string> {
  zones ??= new Set(['UTC', ...(Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone')]);
  return zones;
}

/** The name the engine resolves `name` to, or undefined when it knows no such zone. */
function resolve(name: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

export function checkTimeZone(name: string): TimeZoneCheck {
  const known = knownTimeZones();
  if (known.has(name)) return { ok: true };
  const resolved = resolve(name);
  if (resolved === undefined || name.trim() !== name || name === '') {
    const guess = closest(name, known) ?? [...known].find((z) => z.toLowerCase() === name.trim().toLowerCase());
    return { ok: false, message: `"${name}" is not a time zone of the IANA database`, ...(guess !== undefined ? { fixed: guess } : {}) };
  }
  // The engine reads names case-insensitively; the service does not.
  const canonical = [...known].find((z) => z.toLowerCase() === name.toLowerCase());
  if (canonical !== undefined) return { ok: false, message: `time zone names are case-sensitive: "${name}" is spelled "${canonical}"`, fixed: canonical };
  if (name.split('/').some((part) => !/^[A-Z+\-0-9]/.test(part))) {
    return { ok: false, message: `time zone names are case-sensitive, and "${name}" is not spelled as the IANA database spells it (it means ${resolved})`, fixed: resolved };
  }
  return { ok: true };
}
