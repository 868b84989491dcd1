import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../engine/parse/load';
import type { PacketChoice } from '../store';
import { declaredPorts, pick, pickingHint, withDestination } from './packetChoice';

const { cluster } = loadManifests([
  {
    name: 'seed-policies.yaml',
    text: readFileSync('lessons/scenarios/seed-policies.yaml', 'utf8'),
  },
]);
const PACKET: PacketChoice = {
  from: 'shop/frontend',
  to: 'shop/backend',
  port: 8080,
  protocol: 'TCP',
};

describe('the port follows the destination', () => {
  it('takes a Service’s own port, not the port of the pod behind it', () => {
    expect(declaredPorts(cluster, 'svc:shop/backend')).toEqual([{ port: 80, protocol: 'TCP' }]);
    const p = withDestination(cluster, PACKET, 'svc:shop/backend');
    expect(p).toMatchObject({ to: 'svc:shop/backend', port: 80, protocol: 'TCP' });
  });

  it('keeps the port when the new destination declares it, else takes its first port', () => {
    expect(withDestination(cluster, PACKET, 'shop/api').port).toBe(8080);
    const frontend = withDestination(cluster, { ...PACKET, to: 'shop/api' }, 'shop/frontend');
    expect(frontend.port).toBe(80);
  });

  it('keeps the port for an address outside the cluster, which declares none', () => {
    const p = withDestination(cluster, PACKET, 'ip:8.8.8.8');
    expect(p).toMatchObject({ to: 'ip:8.8.8.8', port: 8080 });
  });
});

describe('picking a packet on the drawing', () => {
  it('a first click on a pod picks the source, a second click the destination and sends', () => {
    const first = pick(cluster, PACKET, { phase: 'source' }, 'shop/api');
    // The packet (and so the drawing) stays until the destination is known.
    expect(first.packet).toBeUndefined();
    expect(first.picking).toEqual({ phase: 'destination', from: 'shop/api' });
    expect(pickingHint(first.picking)).toMatch(/^Source: shop\/api\. Click a destination/);
    const second = pick(cluster, PACKET, first.picking, 'svc:shop/backend');
    expect(second.packet).toMatchObject({ from: 'shop/api', to: 'svc:shop/backend', port: 80 });
    expect(second.picking).toEqual({ phase: 'source' });
  });

  it('a Service or an outside address cannot be a source', () => {
    const r = pick(cluster, PACKET, { phase: 'source' }, 'svc:shop/backend');
    expect(r.packet).toBeUndefined();
    expect(r.picking).toEqual({ phase: 'source' });
  });
});

describe('an ICMP packet picks a new destination', () => {
  it('stays ICMP with its type and code, with no port to follow', () => {
    const ping: PacketChoice = { ...PACKET, port: 0, protocol: 'ICMP', icmp: { type: 8, code: 0 } };
    expect(withDestination(cluster, ping, 'svc:shop/backend')).toEqual({
      ...ping,
      to: 'svc:shop/backend',
    });
  });
});
