/**
 * `hubble observe` filters over real flows: flags of one kind OR, of different kinds AND, `--from-*`
 * against `--to-*` against both sides, namespaces, `--not`, and the errors for bad flags
 * (hubble/cmd/observe/flows_filter.go, pkg/hubble/filters).
 */
import { describe, expect, it } from 'vitest';
import { seedRun } from '../../test/hubbleRun';
import type { HubbleEvent, HubbleFlow } from './hubble';
import {
  hubbleFilter,
  HubbleFlagError,
  parseHubbleFlags,
  splitArgs,
  translateSelector,
} from './hubbleFilter';

const { events } = seedRun();
const flows: HubbleFlow[] = events.map((e: HubbleEvent) => e.flow);
const select = (args: string) => {
  const keep = hubbleFilter(args);
  return new Set(flows.filter((f) => keep(f)));
};
const union = (a: Set<HubbleFlow>, b: Set<HubbleFlow>) => new Set([...a, ...b]);
const intersect = (a: Set<HubbleFlow>, b: Set<HubbleFlow>) =>
  new Set([...a].filter((x) => b.has(x)));
const where = (pred: (f: HubbleFlow) => boolean) => new Set(flows.filter(pred));
const key = (ep: HubbleFlow['source']) => `${ep.namespace}/${ep.pod_name}`;

describe('sides', () => {
  it('--from-pod matches the source, --to-pod the destination, --pod either', () => {
    const from = select('--from-pod shop/frontend');
    const to = select('--to-pod shop/frontend');
    expect(from).toEqual(where((f) => key(f.source) === 'shop/frontend'));
    expect(to).toEqual(where((f) => key(f.destination) === 'shop/frontend'));
    expect(from.size).toBeGreaterThan(0);
    expect(to.size).toBeGreaterThan(0);
    expect(select('--pod shop/frontend')).toEqual(union(from, to));
  });

  it('--pod makes two filters, source and destination (flows_filter.go left/right)', () => {
    expect(parseHubbleFlags('--pod shop/frontend').whitelist).toEqual([
      { source_pod: ['shop/frontend'] },
      { destination_pod: ['shop/frontend'] },
    ]);
    // A one-sided flag goes into both, so they collapse into one filter.
    expect(parseHubbleFlags('--to-pod shop/api --verdict DROPPED').whitelist).toEqual([
      { destination_pod: ['shop/api'], verdict: ['DROPPED'] },
    ]);
  });

  it('a pod name is a prefix, and without a namespace means default/ (ParseNamespaceName)', () => {
    expect(select('--from-pod shop/front')).toEqual(select('--from-pod shop/frontend'));
    expect(select('--from-pod frontend').size).toBe(0);
    // --from-namespace puts its namespace on a bare pod name (addNamespacesToFilter).
    expect(select('--from-pod frontend --from-namespace shop')).toEqual(
      select('--from-pod shop/frontend'),
    );
  });

  it('--namespace: source in it OR destination in it; --from-namespace only the source', () => {
    expect(parseHubbleFlags('--namespace shop').whitelist).toEqual([
      { source_pod: ['shop/'] },
      { destination_pod: ['shop/'] },
    ]);
    expect(select('-n shop')).toEqual(
      where((f) => f.source.namespace === 'shop' || f.destination.namespace === 'shop'),
    );
    expect(select('--from-namespace shop')).toEqual(where((f) => f.source.namespace === 'shop'));
  });

  it('--label / --from-label / --to-label, with and without a source prefix', () => {
    const to = select('--to-label app=api');
    expect(to).toEqual(where((f) => f.destination.labels.includes('k8s:app=api')));
    expect(select('--to-label k8s:app=api')).toEqual(to);
    expect(select('--to-label reserved:app=api').size).toBe(0);
    expect(select('-l app=api')).toEqual(union(select('--from-label app=api'), to));
    expect(select('--to-label reserved:world')).toEqual(
      where((f) => f.destination.labels.includes('reserved:world')),
    );
    expect(select('--to-label k8s:io.kubernetes.pod.namespace=shop')).toEqual(
      where((f) => f.destination.namespace === 'shop'),
    );
    // `!key` and `notin` also match endpoints without the label (apimachinery selector.go).
    expect(select('--to-label "!app"')).toEqual(where((f) => f.destination.pod_name === undefined));
    expect(select('--to-label "app notin (api)"')).toEqual(
      where((f) => !f.destination.labels.includes('k8s:app=api')),
    );
    expect(select('--from-label "app in (api, debug)"')).toEqual(
      union(select('--from-label app=api'), select('--from-label app=debug')),
    );
  });

  it('--ip, --port and --identity name both sides; their from/to forms one', () => {
    expect(select('--ip 10.244.1.11')).toEqual(
      union(select('--from-ip 10.244.1.11'), select('--to-ip 10.244.1.11')),
    );
    expect(select('--to-ip 10.244.1.0/24')).toEqual(
      where((f) => f.IP.destination.startsWith('10.244.1.')),
    );
    expect(select('--port 8080')).toEqual(
      union(select('--from-port 8080'), select('--to-port 8080')),
    );
    expect(select('--to-identity world')).toEqual(where((f) => f.destination.identity === 2));
    expect(select('--identity 2')).toEqual(
      union(select('--from-identity world'), select('--to-identity world')),
    );
  });
});

describe('combining', () => {
  it('flags of one kind OR', () => {
    expect(select('--verdict DROPPED --verdict REDIRECTED')).toEqual(
      union(select('--verdict DROPPED'), select('--verdict REDIRECTED')),
    );
    expect(select('--to-pod shop/api --to-pod shop/backend')).toEqual(
      union(select('--to-pod shop/api'), select('--to-pod shop/backend')),
    );
  });

  it('flags of different kinds AND', () => {
    const both = select('--verdict DROPPED --to-label app=api');
    expect(both).toEqual(intersect(select('--verdict DROPPED'), select('--to-label app=api')));
    expect(both.size).toBeGreaterThan(0);
    expect(select('--from-pod shop/frontend --protocol http')).toEqual(
      intersect(select('--from-pod shop/frontend'), select('--protocol http')),
    );
  });

  it('a both-sides flag ANDed with another kind applies it to each side', () => {
    const got = select('--pod shop/api --verdict DROPPED');
    expect(got).toEqual(intersect(select('--pod shop/api'), select('--verdict DROPPED')));
  });

  it('--not excludes the next filter only', () => {
    expect(select('--not --verdict FORWARDED')).toEqual(where((f) => f.verdict !== 'FORWARDED'));
    expect(select('--to-pod shop/api --not --type trace')).toEqual(
      where((f) => key(f.destination) === 'shop/api' && f.event_type.type !== 4),
    );
  });
});

describe('kinds', () => {
  it('--type with and without a sub-type', () => {
    expect(select('--type trace:to-endpoint')).toEqual(
      where((f) => f.trace_observation_point === 'TO_ENDPOINT'),
    );
    expect(select('-t policy-verdict')).toEqual(where((f) => f.event_type.type === 5));
    expect(select('--type drop')).toEqual(where((f) => f.event_type.type === 1));
    expect(select('--type l7')).toEqual(where((f) => f.Type === 'L7'));
    expect(select('--type 4:0')).toEqual(select('--type trace:to-endpoint'));
  });

  it('HTTP: method (any case), path (RE2, unanchored), status', () => {
    expect(select('--http-method delete')).toEqual(where((f) => f.l7?.http.method === 'DELETE'));
    expect(select('--http-path ^/api/v1/')).toEqual(where((f) => f.Type === 'L7'));
    expect(select('--http-path orders$')).toEqual(
      where((f) => !!f.l7?.http.url.endsWith('/orders')),
    );
    // Requests have no status code (pkg/hubble/parser/seven/http.go), so nothing matches.
    expect(select('--http-status 4+').size).toBe(0);
    expect(select('--http-url ^http://10\\.244\\.1\\.11:8080/api/')).toEqual(
      where((f) => !!f.l7?.http.url.startsWith('http://10.244.1.11:8080/api/')),
    );
    expect(select('--http-url ^http://10\\.244\\.1\\.11:8080/api/').size).toBeGreaterThan(0);
  });

  it('--protocol, --traffic-direction, --drop-reason-desc', () => {
    expect(select('--protocol TCP')).toEqual(where((f) => f.l4 !== undefined && 'TCP' in f.l4));
    expect(select('--protocol icmp')).toEqual(where((f) => f.l4 !== undefined && 'ICMPv4' in f.l4));
    expect(select('--traffic-direction Ingress')).toEqual(
      where((f) => f.traffic_direction === 'INGRESS'),
    );
    expect(select('--drop-reason-desc POLICY_DENIED')).toEqual(
      where((f) => f.verdict === 'DROPPED' && f.drop_reason_desc === 'POLICY_DENIED'),
    );
  });
});

describe('bad flags', () => {
  const error = (args: string) => {
    try {
      parseHubbleFlags(args);
    } catch (e) {
      expect(e).toBeInstanceOf(HubbleFlagError);
      return (e as Error).message;
    }
    throw new Error(`no error for ${args}`);
  };

  it('name the flag and say why', () => {
    expect(error('--to-pood shop/api')).toBe('unknown flag: --to-pood');
    expect(error('--last 20')).toMatch(/^--last: it is not a filter/);
    expect(error('--to-fqdn example.com')).toBe('--to-fqdn: PacketWalk’s flows carry no DNS names');
    expect(error('-x 1')).toMatch(/unknown shorthand flag: 'x'/);
    expect(error('--verdict')).toBe('flag needs an argument: --verdict');
    expect(error('--verdict dropped')).toMatch(
      /^invalid --verdict value: dropped \(expected one of FORWARDED, DROPPED/,
    );
    expect(error('--drop-reason-desc "Policy denied"')).toMatch(
      /^invalid --drop-reason-desc value: Policy denied/,
    );
    expect(error('--to-label "app in (a"')).toMatch(
      /^--to-label "app in \(a": invalid label selector: .* at column \d+$/,
    );
    expect(error('--http-path "(unclosed"')).toMatch(
      /^--http-path \(unclosed: invalid regular expression: missing closing \)/,
    );
    expect(error('--to-port 70000')).toMatch(/^--to-port 70000: invalid port/);
    expect(error('--port http')).toMatch(/^--from-port http: invalid port/);
    expect(error('--from-ip 10.0.0')).toMatch(/^--from-ip 10\.0\.0: invalid IP address/);
    expect(error('--identity nobody')).toMatch(
      /^--identity nobody: invalid security identity, expected one of \[host world/,
    );
    expect(error('--traffic-direction up')).toBe(
      '--traffic-direction up: invalid traffic direction, expected ingress or egress',
    );
    expect(error('--type traces')).toMatch(/^--type traces: unable to parse type 'traces'/);
    expect(error('--type trace:to-nowhere')).toMatch(/unable to parse event sub-type 'to-nowhere'/);
    expect(error('--protocol quic')).toMatch(/^--protocol quic: unknown protocol: "quic"/);
    expect(error('--http-status 600')).toMatch(/^--http-status 600: invalid status code prefix/);
    expect(error('--type trace --http-method GET')).toBe(
      "filtering by http method requires the event type filter to only match 'l7' events",
    );
    expect(error('--not --not --verdict DROPPED')).toBe('consecutive --not statements');
    expect(error('--label app=a --to-label app=b')).toBe(
      'filters --to-label and --label cannot be combined',
    );
    expect(error('--namespace shop --to-pod shop/api')).toBe(
      'filters --to-pod and --namespace cannot be combined',
    );
    expect(error('--pod other/x --namespace shop')).toBe(
      'namespace conflict: "shop" does not contain "other/x"',
    );
    expect(error('--to-pod shop/api --to-service kube-system/dns')).toBe(
      'namespace of service "kube-system/dns" conflict with pod "shop"',
    );
    expect(error('shop/api')).toMatch(/^unexpected argument "shop\/api"/);
    expect(error('--to-pod "shop/api')).toMatch(/unterminated " quote/);
  });
});

describe('parsing', () => {
  it('takes --flag=value, -nvalue, quotes and an argv', () => {
    expect(splitArgs(`--to-label "app in (a, b)" -nshop --verdict=DROPPED`)).toEqual([
      '--to-label',
      'app in (a, b)',
      '-nshop',
      '--verdict=DROPPED',
    ]);
    expect(parseHubbleFlags(['--verdict=DROPPED', '-nshop'])).toEqual(
      parseHubbleFlags('--verdict DROPPED --namespace shop'),
    );
  });

  it('translates selector keys as labelparser.go does', () => {
    expect(translateSelector('app=api')).toBe('any.app=api');
    expect(translateSelector('k8s:app=api, !tier')).toBe('k8s.app=api, !any.tier');
    expect(translateSelector('app in (a, b),env!=prod')).toBe('any.app in (a, b),any.env!=prod');
  });

  it('skips a pasted `hubble observe` prefix', () => {
    expect(parseHubbleFlags('hubble observe --verdict DROPPED')).toEqual(
      parseHubbleFlags('--verdict DROPPED'),
    );
    expect(parseHubbleFlags('hubble observe flows -n shop')).toEqual(parseHubbleFlags('-n shop'));
  });

  it('no flags: every flow', () => {
    expect(select('').size).toBe(flows.length);
  });
});
