import { describe, expect, it } from 'vitest';
import { DEFAULT_CILIUM_CONFIG } from '../datapath/config';
import { DEFAULT_VIEW, type ViewState } from '../store';
import { challengeHash, parseChallengeHash } from './challengeLink';

const KNOWN = ['seed-policies', 'two-node-basic'];

describe('challenge links', () => {
  const view: ViewState = {
    ...DEFAULT_VIEW,
    scenarioId: 'two-node-basic',
    cilium: { ...DEFAULT_CILIUM_CONFIG, routing: 'native' },
    layout: 'cilium',
    packet: { from: 'a/b', to: 'c/d', port: 80, protocol: 'TCP' },
    step: 4,
    panels: ['matrix'],
  };

  it('carry the seed, the scenario, the modes and the layout, not the packet, step or panels', () => {
    const hash = challengeHash(17, view);
    expect(hash).toMatch(
      /^#\/challenge\/17\?scenario=two-node-basic&calico=.*&cilium=.*&layout=cilium$/,
    );
    expect(hash).not.toMatch(/from=|step=|panels=/);
    const link = parseChallengeHash(hash, KNOWN)!;
    expect(link.problems).toEqual([]);
    expect(link.seed).toBe(17);
    expect(link.view).toEqual({ ...view, packet: null, step: 0, panels: DEFAULT_VIEW.panels });
  });

  it('carry an edited scenario', () => {
    const edited = { ...view, scenarioText: 'kind: Pod\n' };
    const link = parseChallengeHash(challengeHash(3, edited), KNOWN)!;
    expect(link.view.scenarioText).toBe('kind: Pod\n');
  });

  it('are not other hashes, and say what they could not read', () => {
    expect(parseChallengeHash('#/lessons', KNOWN)).toBeNull();
    expect(parseChallengeHash('#/walk?scenario=seed-policies', KNOWN)).toBeNull();
    expect(parseChallengeHash('#/challenge/x?scenario=seed-policies', KNOWN)!.problems).toEqual([
      'challenge "x" is not a number',
    ]);
    expect(parseChallengeHash('#/challenge/99999999999', KNOWN)!.problems[0]).toMatch(
      /seed 99999999999 is not a whole number/,
    );
    const unknown = parseChallengeHash('#/challenge/2?scenario=nope', KNOWN)!;
    expect(unknown.seed).toBe(2);
    expect(unknown.problems).toEqual(['unknown scenario "nope"']);
  });
});
