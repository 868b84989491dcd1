/** What the commands need from the outside world; tests pass an in-memory one. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** Reads a file as UTF-8; throws CliError when it cannot. */
  readFile(path: string): string;
  /** Writes a file as UTF-8 (`cli fix --write`); throws CliError when it cannot. */
  writeFile?(path: string, text: string): void;
}

/** Bad input: each line is printed to stderr and the command exits with code 2. */
export class CliError extends Error {
  constructor(readonly lines: readonly string[]) {
    super(lines.join('\n'));
  }
}

/** Splits argv into positional arguments and `--flag [value]` options. */
export function parseArgs(
  args: readonly string[],
  spec: { flags: readonly string[]; options: readonly string[] },
): { positional: string[]; flags: Set<string>; options: Map<string, string> } {
  const positional: string[] = [];
  const flags = new Set<string>();
  const options = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
      if (spec.flags.includes(name)) {
        if (inline !== undefined) throw new CliError([`--${name} takes no value`]);
        flags.add(name);
      } else if (spec.options.includes(name)) {
        const value = inline ?? args[++i];
        if (value === undefined) throw new CliError([`--${name} needs a value`]);
        options.set(name, value);
      } else {
        throw new CliError([
          `unknown option --${name} (expected: ${[...spec.flags, ...spec.options].map((o) => `--${o}`).join(', ')})`,
        ]);
      }
    } else {
      positional.push(arg);
    }
  }
  return { positional, flags, options };
}
