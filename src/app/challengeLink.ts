/**
 * Challenge links: `#/challenge/<seed>?scenario=…&calico=…&cilium=…&layout=…` (and `yaml=` for an
 * edited scenario). The seed draws the packet (lessons/challenge.ts), the rest is what the packet is
 * drawn from and walked in, so "challenge 17" opens the same packet and the same questions for
 * everyone. The query is the visualizer's own codec (store/viewState.ts) less the packet, the step
 * and the panels, which the challenge sets itself.
 */
import { checkSeed } from '../lessons/challengeSeed';
import { decodeView, DEFAULT_VIEW, encodeView, type DecodedView, type ViewState } from '../store';

const PREFIX = '#/challenge/';
/** The view's parameters a challenge depends on. */
const KEPT = new Set(['scenario', 'calico', 'cilium', 'layout', 'yaml']);

/** What a challenge link carries after the seed, e.g. `scenario=seed-policies&calico=…`. */
export function challengeQuery(view: ViewState): string {
  const query = encodeView({ ...view, packet: null });
  return query
    .split('&')
    .filter((part) => KEPT.has(part.slice(0, part.indexOf('='))))
    .join('&');
}

export const challengeHash = (seed: number, view: ViewState): string =>
  `${PREFIX}${seed}?${challengeQuery(view)}`;

export interface ChallengeLink {
  readonly seed: number;
  /** The view to open: the link's scenario, modes and layout; no packet yet. */
  readonly view: ViewState;
  /** What in the link could not be read, one phrase each (the view then falls back to defaults). */
  readonly problems: readonly string[];
}

/** A `#/challenge/…` hash, or null when the hash is not a challenge link. */
export function parseChallengeHash(
  hash: string,
  knownScenarios: readonly string[],
  current: Pick<ViewState, 'panels'> = DEFAULT_VIEW,
): ChallengeLink | null {
  if (!hash.startsWith(PREFIX)) return null;
  const rest = hash.slice(PREFIX.length);
  const q = rest.indexOf('?');
  const seedText = q < 0 ? rest : rest.slice(0, q);
  const problems: string[] = [];
  let seed = 1;
  try {
    if (!/^\d+$/.test(seedText)) throw new RangeError(`challenge "${seedText}" is not a number`);
    checkSeed(Number(seedText));
    seed = Number(seedText);
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  const decoded: DecodedView = decodeView(q < 0 ? '' : rest.slice(q + 1), knownScenarios);
  problems.push(...decoded.problems);
  return {
    seed,
    view: { ...decoded.view, packet: null, step: 0, panels: current.panels },
    problems,
  };
}
