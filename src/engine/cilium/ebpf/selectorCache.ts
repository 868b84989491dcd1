/** Selectors and the identities they select, cached as the agent's selector cache does; entities
 * as pkg/policy/api/entity.go maps them. */
import { type Cidr, cidrCovers, parseIPv4 } from '../../cidr';
import type { CiliumEntity, IPBlock } from '../../model';
import { ipBlockContainsIP } from '../identity';
import {
  type CiliumRequirement,
  type CiliumSelector,
  CLUSTER_LABEL,
  CLUSTER_NAME,
  type LabelSet,
  makeSelector,
  selectorMatches,
} from '../labels';
import type { IdentityInfo } from './identities';
import { ID_WORLD } from './types';

/** The identities a peer selector selects; `wildcard` becomes identity 0 in the map. */
export interface Selection {
  readonly wildcard: boolean;
  readonly ids: readonly number[];
}

export const WILDCARD: Selection = { wildcard: true, ids: [] };

/** A label as an index key: what a selector requirement on `source:key` compares with `value`. */
export const labelText = (source: string, key: string, value: string): string =>
  `${source}\0${key}\0${value}`;

/** Each label of a set as an index key, as selector matching looks them up (labels.ts lookup):
 * the value per source, and per key for the `any` source. */
export function forEachLabelText(set: LabelSet, visit: (text: string) => void): void {
  set.bySource.forEach((keys, source) => keys.forEach((v, k) => visit(labelText(source, k, v))));
  set.byKey.forEach((v, k) => visit(labelText('any', k, v)));
}

export class SelectorCache {
  private readonly cache = new Map<string, Selection>();
  constructor(private readonly identities: readonly IdentityInfo[]) {}

  labels(selector: CiliumSelector): Selection {
    const key = `labels:${selector.text}`;
    let s = this.cache.get(key);
    if (!s) {
      const ids: number[] = [];
      for (const i of this.candidates(selector)) {
        const info = this.identities[i]!;
        if (selectorMatches(selector, info.set)) ids.push(info.id);
      }
      s = { wildcard: false, ids };
      this.cache.set(key, s);
    }
    return s;
  }

  /** `source\0key\0value` -> positions of the identities whose label set gives that value
   * (labels.ts lookup: per source, and per key for the `any` source). */
  private byLabel: Map<string, number[]> | undefined;

  /**
   * Positions (ascending) of the identities that may match: a requirement `key In (values)` is met
   * only by label sets with one of those values, so the identities of its shortest list; every
   * identity when the selector has no `In`.
   */
  private candidates(selector: CiliumSelector): readonly number[] {
    if (!this.byLabel) {
      const byLabel = new Map<string, number[]>();
      const add = (k: string, i: number) => {
        const l = byLabel.get(k);
        if (l) l.push(i);
        else byLabel.set(k, [i]);
      };
      this.identities.forEach(({ set }, i) => {
        forEachLabelText(set, (k) => add(k, i));
      });
      this.byLabel = byLabel;
    }
    let best: readonly number[] | undefined;
    for (const r of selector.requirements) {
      if (r.operator !== 'In') continue;
      let found: number[] = [];
      for (const v of r.values) {
        const l = this.byLabel.get(labelText(r.key.source, r.key.key, v));
        if (l) found = found.length === 0 ? l : [...found, ...l];
      }
      if (r.values.length > 1) found = [...new Set(found)].sort((a, b) => a - b);
      if (!best || found.length < best.length) best = found;
    }
    return best ?? this.identities.map((_, i) => i);
  }

  /**
   * A CiliumNetworkPolicy CIDR rule: the CIDR identities whose prefix lies inside `cidr` and
   * outside every `except`, and `world` for 0.0.0.0/0. Never pods or nodes (pkg/policy/api
   * ingress.go FromCIDR: "Only connections which do not originate from the cluster...").
   */
  cidr(cidr: Cidr, except: readonly Cidr[]): Selection {
    const key = `cidr:${cidr.text}!${except.map((e) => e.text).join(',')}`;
    let s = this.cache.get(key);
    if (!s) {
      s = { wildcard: false, ids: this.outside(cidr, except) };
      this.cache.set(key, s);
    }
    return s;
  }

  private outside(cidr: Cidr, except: readonly Cidr[]): number[] {
    const ids: number[] = cidr.prefix === 0 ? [ID_WORLD] : [];
    for (const i of this.identities) {
      if (!i.cidr) continue;
      if (cidrCovers(cidr, i.cidr) && !except.some((e) => cidrCovers(e, i.cidr!))) ids.push(i.id);
    }
    return ids;
  }

  /**
   * A Kubernetes ipBlock, as the spec reads it: outside addresses like a CIDR rule, plus every pod
   * and node identity whose members all have their address in the block (identity.ts splits
   * identities so that each is all in or all out).
   */
  ipBlock(block: IPBlock): Selection {
    const key = `ipblock:${block.cidr.text}!${block.except.map((e) => e.text).join(',')}`;
    let s = this.cache.get(key);
    if (!s) {
      const ids = this.outside(block.cidr, block.except);
      for (const { id, ips } of this.memberAddresses()) {
        if (ips.every((ip) => ipBlockContainsIP(block, ip))) ids.push(id);
      }
      s = { wildcard: false, ids };
      this.cache.set(key, s);
    }
    return s;
  }

  private members: { id: number; ips: (number | null)[] }[] | undefined;
  /** The addresses of each identity with members (pods, nodes), parsed once. */
  private memberAddresses(): { id: number; ips: (number | null)[] }[] {
    this.members ??= this.identities
      .filter((i) => i.pods.length + i.nodes.length > 0)
      .map((i) => ({
        id: i.id,
        ips: [...i.pods.map((p) => p.ip), ...i.nodes.map((n) => n.internalIP)].map(parseIPv4),
      }));
    return this.members;
  }

  podIdentities(): Selection {
    let s = this.cache.get('pods');
    if (!s) {
      s = {
        wildcard: false,
        ids: this.identities.filter((i) => i.pods.length > 0).map((i) => i.id),
      };
      this.cache.set('pods', s);
    }
    return s;
  }
}

export const req = (
  source: string,
  key: string,
  operator: CiliumRequirement['operator'],
  values: string[] = [],
): CiliumRequirement => ({
  key: { source, key },
  operator,
  values,
});

/** pkg/policy/api/entity.go `EntitySelectorMapping` / `InitEntities` (IPv4-only cluster). */
export function entitySelection(entity: CiliumEntity, cache: SelectorCache): Selection {
  const reservedSel = (name: string) =>
    cache.labels(makeSelector([req('reserved', name, 'Exists')]));
  switch (entity) {
    case 'all':
      return WILDCARD;
    case 'world':
    case 'world-ipv4':
      return reservedSel('world');
    case 'world-ipv6':
      return { wildcard: false, ids: [] };
    case 'cluster': {
      const parts = [
        ...['host', 'remote-node', 'init', 'ingress', 'health', 'unmanaged', 'kube-apiserver'].map(
          reservedSel,
        ),
        cache.labels(makeSelector([req('k8s', CLUSTER_LABEL, 'In', [CLUSTER_NAME])])),
      ];
      return { wildcard: false, ids: [...new Set(parts.flatMap((p) => p.ids))] };
    }
    default:
      return reservedSel(entity);
  }
}
