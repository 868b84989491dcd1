/**
 * `cli generate [--pods N] [--nodes N] [--namespaces N] [--policies N] [--mix K8S-CILIUM-CALICO]
 * [--seed N] | [--token TOKEN]`: the app's "Generate a large cluster" as YAML on stdout (the same
 * text the app generates for the same options; a token is what a link's `scenario=gen:…` carries).
 * Unset options take the bench's sizes (engine/generateOptions.ts).
 */
import {
  DEFAULT_GENERATE_OPTIONS,
  generateCluster,
  generateProblems,
  parseGenerateToken,
  type GenerateField,
  type GenerateOptions,
} from '../engine/generate';
import { CliError, parseArgs, type Io } from './io';

export const GENERATE_USAGE =
  'usage: cli generate [--pods N] [--nodes N] [--namespaces N] [--policies N] [--mix K8S-CILIUM-CALICO] [--seed N] | [--token TOKEN]';

const FLAG_OF: Record<GenerateField, string> = {
  pods: '--pods',
  nodes: '--nodes',
  namespaces: '--namespaces',
  policies: '--policies',
  mix: '--mix',
  seed: '--seed',
};

function wholeNumber(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) throw new CliError([`${flag}: "${text}" is not a whole number`]);
  return Number(text);
}

function optionsFrom(options: Map<string, string>): GenerateOptions {
  const token = options.get('token');
  if (token !== undefined) {
    if (options.size > 1)
      throw new CliError(['--token stands alone: give it or the sizes', GENERATE_USAGE]);
    const parsed = parseGenerateToken(token.replace(/^gen:/, ''));
    if (!parsed.ok) throw new CliError([`--token: ${parsed.error}`]);
    return parsed.options;
  }
  const d = DEFAULT_GENERATE_OPTIONS;
  let mix = d.mix;
  const mixText = options.get('mix');
  if (mixText !== undefined) {
    const parts = mixText.split('-');
    if (parts.length !== 3 || parts.some((p) => !/^\d+$/.test(p)))
      throw new CliError([
        `--mix: "${mixText}" is not three percentages K8S-CILIUM-CALICO (e.g. 50-25-25)`,
      ]);
    const [k8s, cilium, calico] = parts.map(Number) as [number, number, number];
    mix = { k8s, cilium, calico };
  }
  return {
    pods: wholeNumber('--pods', options.get('pods'), d.pods),
    nodes: wholeNumber('--nodes', options.get('nodes'), d.nodes),
    namespaces: wholeNumber('--namespaces', options.get('namespaces'), d.namespaces),
    policies: wholeNumber('--policies', options.get('policies'), d.policies),
    mix,
    seed: wholeNumber('--seed', options.get('seed'), d.seed),
  };
}

export function runGenerate(args: readonly string[], io: Io): number {
  const { positional, options } = parseArgs(args, {
    flags: [],
    options: ['pods', 'nodes', 'namespaces', 'policies', 'mix', 'seed', 'token'],
  });
  if (positional.length > 0)
    throw new CliError([`unexpected argument "${positional[0]}"`, GENERATE_USAGE]);
  const chosen = optionsFrom(options);
  const problems = generateProblems(chosen);
  if (problems.length > 0)
    throw new CliError(problems.map((p) => `${FLAG_OF[p.field]}: ${p.message}`));
  io.out(generateCluster(chosen).trimEnd());
  return 0;
}
