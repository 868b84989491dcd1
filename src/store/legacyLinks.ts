/**
 * Links written before the named tokens: `calico=iptables.full-mesh.ipip.plain` and
 * `cilium=vxlan.kube-proxy.none` (three tokens) or `…none.iptables-masq` (four, once BPF masquerade
 * came). Instructors keep such links in slides, so they are read here and the app rewrites them to
 * the current form. This format is frozen: options added later take their defaults.
 */
import {
  DEFAULT_CALICO_CONFIG,
  DEFAULT_CILIUM_CONFIG,
  type CalicoConfig,
  type CiliumConfig,
} from '../datapath/config';
import {
  CALICO_OPTIONS,
  CILIUM_OPTIONS,
  optionsOf,
  type CniOptionTable,
} from '../datapath/options';

/** A value of the table's option `key`, named by itself (the old links used the values as tokens). */
function legacyValue<C>(
  table: CniOptionTable<C>,
  key: keyof C,
  token: string | undefined,
  fallback: unknown,
  problems: string[],
): unknown {
  if (token === undefined) return fallback;
  const option = optionsOf(table).find((o) => o.key === key)!;
  const row = option.values.find((v) => v.value === token);
  if (row) return row.value;
  problems.push(`unknown ${option.label} "${token}"`);
  return fallback;
}

function legacyFlag(
  token: string | undefined,
  on: string,
  off: string,
  fallback: boolean,
  what: string,
  problems: string[],
): boolean {
  if (token === undefined) return fallback;
  if (token === on) return true;
  if (token === off) return false;
  problems.push(`unknown ${what} "${token}"`);
  return fallback;
}

/** True when a `calico=`/`cilium=` value is in the old positional form (no named tokens). */
export const isLegacyModes = (text: string): boolean => text !== '' && !text.includes(':');

/** `dataplane.peering.encap.wireguard|plain`. */
export function decodeLegacyCalico(text: string, problems: string[]): CalicoConfig {
  const [dataplane, peering, encap, wg] = text.split('.');
  const d = DEFAULT_CALICO_CONFIG;
  return {
    dataplane: legacyValue(CALICO_OPTIONS, 'dataplane', dataplane, d.dataplane, problems),
    peering: legacyValue(CALICO_OPTIONS, 'peering', peering, d.peering, problems),
    encap: legacyValue(CALICO_OPTIONS, 'encap', encap, d.encap, problems),
    wireguard: legacyFlag(wg, 'wireguard', 'plain', d.wireguard, 'Calico encryption', problems),
  } as CalicoConfig;
}

/** `routing.kpr|kube-proxy.encryption[.bpf-masq|iptables-masq]`. */
export function decodeLegacyCilium(text: string, problems: string[]): CiliumConfig {
  const [routing, kpr, encryption, masq] = text.split('.');
  const d = DEFAULT_CILIUM_CONFIG;
  return {
    routing: legacyValue(CILIUM_OPTIONS, 'routing', routing, d.routing, problems),
    kubeProxyReplacement: legacyFlag(
      kpr,
      'kpr',
      'kube-proxy',
      d.kubeProxyReplacement,
      'Cilium kube-proxy mode',
      problems,
    ),
    encryption: legacyValue(CILIUM_OPTIONS, 'encryption', encryption, d.encryption, problems),
    bpfMasquerade: legacyFlag(
      masq,
      'bpf-masq',
      'iptables-masq',
      d.bpfMasquerade,
      'Cilium masquerading',
      problems,
    ),
  } as CiliumConfig;
}
