/**
 * The built-in scenarios: real manifests from lessons/scenarios/, bundled as text.
 */
import multiRack from '../../lessons/scenarios/multi-rack.yaml?raw';
import seedPolicies from '../../lessons/scenarios/seed-policies.yaml?raw';
import twoNodeBasic from '../../lessons/scenarios/two-node-basic.yaml?raw';

export interface BuiltInScenario {
  readonly id: string;
  readonly title: string;
  readonly file: string;
  readonly text: string;
}

export const BUILT_IN_SCENARIOS: readonly BuiltInScenario[] = [
  {
    id: 'seed-policies',
    title: 'Shop: the seed articles’ policies',
    file: 'seed-policies.yaml',
    text: seedPolicies,
  },
  {
    id: 'two-node-basic',
    title: 'Two nodes, no policy',
    file: 'two-node-basic.yaml',
    text: twoNodeBasic,
  },
  { id: 'multi-rack', title: 'Six nodes in two racks', file: 'multi-rack.yaml', text: multiRack },
];
