import { describe, expect, it } from 'vitest';
import { walk } from '../datapath/walk';
import { cilium, calico, engineFor } from '../test/scenarios';
import { findHop, placeMatches } from './hopAddress';
import { place } from '../datapath/place';

describe('hop addresses', () => {
  it('match a place by element id, its name, node, layer, hook or an element passed', () => {
    const tunnel = place.layer('node-1', 'tunnel', 'device');
    for (const text of ['layer:node-1:tunnel', 'node-1', 'tunnel', 'device'])
      expect(placeMatches(tunnel, text), text).toBe(true);
    for (const text of ['node-2', 'xfrm', 'tc', 'layer:node-2:tunnel'])
      expect(placeMatches(tunnel, text), text).toBe(false);
    const tor = place.network('tor:tor-rack-2', ['spine:spine-1']);
    expect(placeMatches(tor, 'tor-rack-2')).toBe(true);
    expect(placeMatches(tor, 'spine-1')).toBe(true);
    expect(placeMatches(tor, 'tor-rack-1')).toBe(false);
  });

  it('find the first hop at a stage and place, and the receiving node’s tunnel by place', () => {
    const engine = engineFor('two-node-basic.yaml');
    const spec = { from: 'default/pod-a', to: 'default/pod-c', port: 80, protocol: 'TCP' as const };
    const hops = walk(engine, cilium({ encryption: 'ipsec' }), spec).hops;
    const out = findHop(hops, { stage: 'encapsulation', place: 'xfrm' });
    expect(hops[out]!.place).toMatchObject({ id: 'layer:node-1:xfrm', node: 'node-1' });
    const back = findHop(hops, { stage: 'ingress-hook', place: 'node-2' });
    expect(hops[back]!.place.node).toBe('node-2');
    expect(findHop(hops, { stage: 'ingress-hook', place: 'node-1' })).toBe(-1);
    // Prose addressing still works, and both together must hold.
    const ipip = walk(engine, calico(), spec).hops;
    expect(findHop(ipip, { stage: 'routing', where: 'node-2' })).toBe(
      findHop(ipip, { stage: 'routing', place: 'node-2' }),
    );
    expect(findHop(ipip, { stage: 'routing', where: 'node-2', place: 'node-1' })).toBe(-1);
  });
});
