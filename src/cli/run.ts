/**
 * PacketWalk's command line: the engine and the datapath models in Node, for authors and tests.
 *
 *   npm run --silent cli -- verdict FILE.yaml [--probes PROBES.json] [--json]
 *   npm run --silent cli -- selector EXPR FILE.yaml [--kind calico|k8s] [--json]
 *   npm run --silent cli -- walk FILE.yaml --cni calico|cilium --from NS/POD --to … --port N […]
 *   npm run --silent cli -- iptables-save FILE.yaml [--node NODE] [--ipsets]
 *   npm run --silent cli -- bpf-maps FILE.yaml [--endpoint NS/POD]
 *   npm run --silent cli -- explain FILE.yaml --from NS/POD --to NS/POD --port N
 *   npm run --silent cli -- fix FILE.yaml --from … --to … --port N --cni calico|cilium [--dialect …]
 *   npm run --silent cli -- diff A.yaml B.yaml
 *   npm run --silent cli -- lint FILE.yaml [--json]
 *   npm run --silent cli -- observe FILE.yaml [--traffic T.yaml] [--cni cilium|calico] [-o compact|json] [hubble flags]
 *   npm run --silent cli -- generate [--pods N] [--nodes N] [--namespaces N] [--policies N] [--mix A-B-C] [--seed N]
 *
 * Exit codes: 0 done; 2 bad input (one message per problem on stderr, file:line:column, object and
 * field); 1 an internal error (a bug: reported in one line, never a stack trace unless PACKETWALK_DEBUG).
 */
import { BASELINE_LINE, BASELINE_NOTE } from '../engine/baseline';
import { runBpfMaps, runIptablesSave } from './dump';
import { GENERATE_USAGE, runGenerate } from './generate';
import { LINT_USAGE, runLint } from './lint';
import { OBSERVE_USAGE, runObserve } from './observe';
import { DIFF_USAGE, EXPLAIN_USAGE, FIX_USAGE, runDiff, runExplain, runFix } from './explain';
import { runSelector } from './selector';
import { runVerdict } from './verdict';
import { runWalk, WALK_USAGE } from './walk';
import { CliError, type Io } from './io';

const USAGE = `usage:
  cli verdict FILE.yaml [--probes PROBES.json] [--json]
  cli selector EXPR FILE.yaml [--kind calico|k8s] [--json]
  ${WALK_USAGE.replace('usage: ', '')}
  cli iptables-save FILE.yaml [--node NODE] [--ipsets]
  cli bpf-maps FILE.yaml [--endpoint NS/POD]
  ${EXPLAIN_USAGE.replace('usage: ', '')}
  ${FIX_USAGE.replace('usage: ', '')}
  ${DIFF_USAGE.replace('usage: ', '')}
  ${LINT_USAGE.replace('usage: ', '')}
  ${OBSERVE_USAGE.replace('usage: ', '')}
  ${GENERATE_USAGE.replace('usage: ', '')}

${BASELINE_LINE}.
${BASELINE_NOTE}`;

export function main(argv: readonly string[], io: Io): number {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'verdict':
        return runVerdict(rest, io);
      case 'selector':
        return runSelector(rest, io);
      case 'walk':
        return runWalk(rest, io);
      case 'iptables-save':
        return runIptablesSave(rest, io);
      case 'bpf-maps':
        return runBpfMaps(rest, io);
      case 'explain':
        return runExplain(rest, io);
      case 'fix':
        return runFix(rest, io);
      case 'diff':
        return runDiff(rest, io);
      case 'lint':
        return runLint(rest, io);
      case 'observe':
        return runObserve(rest, io);
      case 'generate':
        return runGenerate(rest, io);
      case undefined:
      case '-h':
      case '--help':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new CliError([`unknown command "${command}"`, USAGE]);
    }
  } catch (error) {
    if (error instanceof CliError) {
      for (const line of error.lines) io.err(line);
      return 2;
    }
    if (process.env.PACKETWALK_DEBUG) throw error;
    io.err(`internal error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
