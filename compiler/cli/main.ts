/**
 * The `lakec` command line: argument parsing and exit codes only; the work happens in the
 * compiler core. Exit codes: 0 no errors (warnings allowed), 1 the spec has errors, 2 usage
 * error or internal failure.
 */
import { UsageError } from './args.ts';
import { commands, globalHelp, version } from './commands.ts';

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    if (name === 'help' && rest[0] !== undefined && commands[rest[0]] !== undefined) {
      process.stdout.write(commands[rest[0]]!.help() + '\n');
      return 0;
    }
    process.stdout.write(globalHelp() + '\n');
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`lakec ${version}\n`);
    return 0;
  }
  const command = commands[name];
  if (command === undefined) {
    process.stderr.write(`lakec: unknown command '${name}'\n\n${globalHelp()}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.help() + '\n');
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`lakec ${name}: ${e.message}\n(see 'lakec ${name} --help')\n`);
      return 2;
    }
    process.stderr.write(`lakec ${name}: internal error: ${e instanceof Error ? e.message : String(e)}\nThis is a bug in lakec; please report it.\n`);
    return 2;
  }
}

// Run when executed as the CLI (the bundle), not when imported by tests.
const entry = process.argv[1] ?? '';
if (/lakec(\.js)?$|cli[\\/]main\.ts$/.test(entry)) {
  // A reader that stops early (`lakec replay ... | head`) closes the pipe: the rest of the
  // output is not wanted, the command still finishes (its files, its summary on stderr).
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') return;
    process.stderr.write(`lakec: cannot write the output: ${e.message}\n`);
    process.exitCode = 2;
  });
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (e: unknown) => {
      process.stderr.write(`lakec: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
