import { describe, expect, it } from 'vitest';
import { calico, cilium, engineFor } from '../test/scenarios';
import { walk } from './walk';

const PACKET = { from: 'shop/debug', to: 'shop/backend', port: 8080, protocol: 'TCP' } as const;

describe('a walk says why (issue 16)', () => {
  it('carries the sentences of its CNI and the connection it judged', () => {
    const engine = engineFor('seed-policies.yaml');
    const c = walk(engine, calico(), PACKET);
    expect(c.verdict).toBe('dropped');
    expect(c.why).toMatch(
      /^shop\/backend is selected for ingress by NetworkPolicy shop\/allow-frontend in tier default; .* Calico drops it at the end of tier default/,
    );
    expect(c.probe).toEqual({
      from: { pod: 'shop/debug' },
      to: { pod: 'shop/backend' },
      port: 8080,
      protocol: 'TCP',
    });
    const l = walk(engine, cilium(), PACKET);
    expect(l.why).toMatch(
      /Cilium finds no entry for identity \d+ \(or ANY\) in cilium_policy_v2_\d+/,
    );
  });

  it('says nothing of a reply, which no policy judges again', () => {
    const engine = engineFor('seed-policies.yaml');
    const r = walk(engine, calico(), {
      from: 'shop/frontend',
      to: 'shop/backend',
      port: 8080,
      protocol: 'TCP',
      reply: true,
    });
    expect(r.why).toBeUndefined();
    expect(r.probe).toBeUndefined();
  });
});
