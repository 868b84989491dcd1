/** The command line's entry point in Node: `npm run --silent cli -- …` (see run.ts). */
import { readFileSync } from 'node:fs';
import { CliError, type Io } from './io';
import { main } from './run';

const nodeIo: Io = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  readFile: (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new CliError([`${path}: cannot read the file (${code ?? String(error)})`]);
    }
  },
};

process.exitCode = main(process.argv.slice(2), nodeIo);
