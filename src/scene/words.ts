/**
 * What everything is called, in one table: the lifecycle stages (name, chip word, one-sentence
 * gloss, glyph), the CNIs' titles, and the configuration in a few words or in full (both derived
 * from the options registry, datapath/options.ts). Components import their wording from here, so a
 * stage renamed or a new option shows the same words in the header, the timeline, the summary, the
 * inspector and the checkpoints.
 */
import type { Cni } from '../engine/model';
import { STAGES, type Stage } from '../datapath/hop';
import type { WalkConfig } from '../datapath/config';
import {
  CNI_OPTIONS,
  describeWalkConfig,
  optionApplies,
  optionsOf,
  valueOf,
  type CniOptionTable,
} from '../datapath/options';

export interface StageWords {
  /** The stage's name as a heading: `Routing decision`. */
  readonly name: string;
  /** The timeline chip's word: `routing`. */
  readonly short: string;
  /** One sentence: what happens to a packet there. */
  readonly gloss: string;
  /** The chip's glyph. */
  readonly icon: string;
}

export const STAGE_WORDS: Readonly<Record<Stage, StageWords>> = {
  'in-pod': {
    name: 'In the pod',
    short: 'in pod',
    gloss: 'the packet is inside a pod’s network namespace',
    icon: '◉',
  },
  'egress-hook': {
    name: 'Egress hook',
    short: 'egress hook',
    gloss: 'a hook on the packet’s way out of the sender',
    icon: '↦',
  },
  'egress-policy': {
    name: 'Egress policy',
    short: 'egress policy',
    gloss: 'the sender’s egress policy is judged',
    icon: '◆',
  },
  'service-lb': {
    name: 'Service load balancing',
    short: 'Service LB',
    gloss: 'a Service address is translated to one of its backends',
    icon: '⇄',
  },
  routing: {
    name: 'Routing decision',
    short: 'routing',
    gloss: 'where the packet goes next is looked up',
    icon: '➜',
  },
  encapsulation: {
    name: 'Encapsulation',
    short: 'encap',
    gloss: 'the packet is wrapped or encrypted for the trip between nodes',
    icon: '▣',
  },
  wire: {
    name: 'On the wire',
    short: 'wire',
    gloss: 'the packet crosses the network between nodes',
    icon: '∿',
  },
  'ingress-hook': {
    name: 'Ingress hook',
    short: 'ingress hook',
    gloss: 'a hook on the packet’s way into a node',
    icon: '↤',
  },
  'ingress-policy': {
    name: 'Ingress policy',
    short: 'ingress policy',
    gloss: 'the receiver’s ingress policy is judged',
    icon: '◆',
  },
  delivered: {
    name: 'Delivered',
    short: 'delivered',
    gloss: 'the packet reaches its destination',
    icon: '✓',
  },
  dropped: { name: 'Dropped', short: 'dropped', gloss: 'the packet goes no further', icon: '✕' },
};

const isStage = (s: string): s is Stage => (STAGES as readonly string[]).includes(s);

/**
 * A stage inside a sentence (`hop 3 of 9: routing decision at node-a`): its name with a lower-case
 * first letter ("Service" keeps its capital: it is the Kubernetes kind). Anything that is not a
 * stage is returned as is, so a checkpoint's free choice reads unchanged.
 */
export function stagePhrase(stage: string): string {
  if (!isStage(stage)) return stage;
  const name = STAGE_WORDS[stage].name;
  return name.startsWith('Service') ? name : name[0]!.toLowerCase() + name.slice(1);
}

/** Each CNI's title, from the options registry's tables. */
export const CNI_TITLE: Readonly<Record<Cni, string>> = {
  calico: CNI_OPTIONS.calico.title,
  cilium: CNI_OPTIONS.cilium.title,
};

/**
 * The options of one table in a few words: each option that has an effect, by its value's label
 * (a select) or its own label when switched on (a checkbox); an option at "None" says nothing.
 */
function shortOptions<C>(table: CniOptionTable<C>, config: C): string {
  const prefix = `${table.title} `;
  return optionsOf(table)
    .filter((o) => optionApplies(o, config))
    .map((o) => {
      const value = valueOf(o, config);
      if (o.control === 'check') {
        if (value !== o.values[1]!.value) return '';
        return o.label.startsWith(prefix) ? o.label.slice(prefix.length) : o.label;
      }
      const label = o.values.find((v) => v.value === value)?.label ?? String(value);
      return label === 'None' ? '' : label;
    })
    .filter(Boolean)
    .join(' · ');
}

/** The configuration in a few words, for a panel's one-line header. */
export const shortModes = (config: WalkConfig): string =>
  config.cni === 'calico'
    ? shortOptions(CNI_OPTIONS.calico, config.calico)
    : shortOptions(CNI_OPTIONS.cilium, config.cilium);

/** The configuration in one sentence (the header's tooltip). */
export const longModes = (config: WalkConfig): string => describeWalkConfig(config);
