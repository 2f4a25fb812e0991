/** A small, strict argument parser: unknown flags are usage errors (exit 2), never ignored. */

export interface FlagSpec {
  readonly name: string;
  readonly short?: string;
  /** Takes a value (`--format json`); otherwise a boolean switch. */
  readonly value?: boolean;
  /** Allowed values, when the set is closed. */
  readonly choices?: readonly string[];
  readonly description: string;
}

export interface Parsed {
  readonly positionals: string[];
  readonly flags: Map<string, string | true>;
}

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[]): Parsed {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('-') && arg !== '-') {
      const [rawName, inline] = arg.startsWith('--') ? splitInline(arg.slice(2)) : [arg.slice(1), undefined];
      const spec = specs.find((s) => (arg.startsWith('--') ? s.name === rawName : s.short === rawName));
      if (spec === undefined) {
        const known = specs.map((s) => `--${s.name}`).join(', ');
        throw new UsageError(`unknown option '${arg}'${known ? ` (options: ${known})` : ''}`);
      }
      if (spec.value === true) {
        const v = inline ?? argv[++i];
        if (v === undefined || (inline === undefined && v.startsWith('--'))) throw new UsageError(`option '--${spec.name}' needs a value`);
        if (spec.choices !== undefined && !spec.choices.includes(v)) {
          throw new UsageError(`option '--${spec.name}' takes ${spec.choices.join(' or ')}, not '${v}'`);
        }
        flags.set(spec.name, v);
      } else {
        if (inline !== undefined) throw new UsageError(`option '--${spec.name}' takes no value`);
        flags.set(spec.name, true);
      }
      continue;
    }
    positionals.push(arg);
  }
  return { positionals, flags };
}

function splitInline(s: string): [string, string | undefined] {
  const eq = s.indexOf('=');
  return eq < 0 ? [s, undefined] : [s.slice(0, eq), s.slice(eq + 1)];
}

export function helpText(usage: string, summary: string, specs: readonly FlagSpec[]): string {
  const lines = [`usage: ${usage}`, '', summary];
  if (specs.length > 0) {
    lines.push('', 'options:');
    for (const s of specs) {
      const left = `  ${s.short ? `-${s.short}, ` : ''}--${s.name}${s.value ? ` ${s.choices ? s.choices.join('|') : 'VALUE'}` : ''}`;
      lines.push(`${left.padEnd(30)} ${s.description}`);
    }
  }
  return lines.join('\n');
}
