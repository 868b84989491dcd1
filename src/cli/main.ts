/** The command line's entry point in Node: `npm run --silent cli -- …` (see run.ts). */
import { readFileSync, writeFileSync } from 'node:fs';
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
  writeFile: (path, text) => {
    try {
      writeFileSync(path, text, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new CliError([`${path}: cannot write the file (${code ?? String(error)})`]);
    }
  },
};

process.exitCode = main(process.argv.slice(2), nodeIo);
