/** The command line run in memory, for the CLI's tests: files from a map (else from disk), writes
 * kept in the map, output captured. */
import { readFileSync } from 'node:fs';
import { CliError, type Io } from './io';
import { main } from './run';

export function runCli(argv: readonly string[], files: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    readFile: (path) => {
      if (path in files) return files[path]!;
      try {
        return readFileSync(path, 'utf8');
      } catch {
        throw new CliError([`${path}: cannot read the file (ENOENT)`]);
      }
    },
    writeFile: (path, text) => {
      files[path] = text;
    },
  };
  const code = main(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}
