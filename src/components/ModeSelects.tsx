import {
  CALICO_DATAPLANES,
  CALICO_ENCAPS,
  CALICO_PEERINGS,
  CILIUM_ENCRYPTIONS,
  CILIUM_ROUTINGS,
  calicoUsesBgp,
} from '../datapath/config';
import { useId } from 'react';
import { useAppStore } from '../store';

const ENCAP_LABEL = {
  none: 'BGP, no encapsulation',
  ipip: 'IPIP',
  vxlan: 'VXLAN',
  'ipip-crosssubnet': 'IPIP CrossSubnet',
  'vxlan-crosssubnet': 'VXLAN CrossSubnet',
} as const;
const PEERING_LABEL = {
  'full-mesh': 'Full mesh',
  'route-reflector': 'Route reflectors',
  tor: 'Top-of-rack',
} as const;
const DATAPLANE_LABEL = { iptables: 'iptables', ebpf: 'eBPF' } as const;
const ROUTING_LABEL = {
  vxlan: 'VXLAN tunnel',
  geneve: 'Geneve tunnel',
  native: 'Native routing',
  eni: 'Cloud native routing (AWS ENI)',
} as const;
const ENCRYPTION_LABEL = { none: 'None', wireguard: 'WireGuard', ipsec: 'IPsec' } as const;

/** Why a select does not apply in the current mode: a short visible line, the reason in full. */
interface Unused {
  readonly short: string;
  readonly why: string;
}

/**
 * The peering select in the VXLAN modes: the VXLAN manifest sets calico_backend "vxlan", so
 * calico-node starts no BIRD (node/filesystem/etc/rc.local) and Felix programs the routes
 * (datapath/bgp.ts has the sources). The value is kept for when a BGP mode comes back.
 */
export const PEERING_UNUSED_IN_VXLAN: Unused = {
  short: 'not used in VXLAN mode',
  why: 'With VXLAN, Calico runs with calico_backend "vxlan": calico-node starts no BIRD, so there are no BGP sessions, and Felix programs the routes to the other nodes’ blocks itself. Your peering choice is kept for the BGP modes.',
};

/** A labelled select over a fixed set of values; disabled, with the reason, when `unused`. */
function Choice<T extends string>(props: {
  label: string;
  value: T;
  values: readonly T[];
  names: Readonly<Record<T, string>>;
  onChange: (value: T) => void;
  unused?: Unused | undefined;
}) {
  const hintId = useId();
  const select = (
    <label>
      {props.label}
      <select
        value={props.value}
        onChange={(e) => props.onChange(e.target.value as T)}
        disabled={props.unused !== undefined}
        {...(props.unused ? { 'aria-describedby': hintId, title: props.unused.why } : {})}
      >
        {props.values.map((v) => (
          <option key={v} value={v}>
            {props.names[v]}
          </option>
        ))}
      </select>
    </label>
  );
  if (!props.unused) return select;
  return (
    <span className="choice-unused">
      {select}
      <small id={hintId} className="select-hint" title={props.unused.why}>
        {props.unused.short}
        <span className="visually-hidden">: {props.unused.why}</span>
      </small>
    </span>
  );
}

/** The CNI configuration: changing any of them re-walks the packet at once. */
export function ModeSelects() {
  const calico = useAppStore((s) => s.view.calico);
  const cilium = useAppStore((s) => s.view.cilium);
  const setCalico = useAppStore((s) => s.setCalico);
  const setCilium = useAppStore((s) => s.setCilium);
  return (
    <div className="mode-selects">
      <fieldset className="calico-modes">
        <legend>Calico</legend>
        <Choice
          label="Calico routing"
          value={calico.encap}
          values={CALICO_ENCAPS}
          names={ENCAP_LABEL}
          onChange={(encap) => setCalico({ ...calico, encap })}
        />
        <Choice
          label="Calico BGP peering"
          value={calico.peering}
          values={CALICO_PEERINGS}
          names={PEERING_LABEL}
          onChange={(peering) => setCalico({ ...calico, peering })}
          unused={calicoUsesBgp(calico) ? undefined : PEERING_UNUSED_IN_VXLAN}
        />
        <Choice
          label="Calico dataplane"
          value={calico.dataplane}
          values={CALICO_DATAPLANES}
          names={DATAPLANE_LABEL}
          onChange={(dataplane) => setCalico({ ...calico, dataplane })}
        />
        <label className="check">
          <input
            type="checkbox"
            checked={calico.wireguard}
            onChange={(e) => setCalico({ ...calico, wireguard: e.target.checked })}
          />
          Calico WireGuard
        </label>
      </fieldset>
      <fieldset className="cilium-modes">
        <legend>Cilium</legend>
        <Choice
          label="Cilium routing"
          value={cilium.routing}
          values={CILIUM_ROUTINGS}
          names={ROUTING_LABEL}
          onChange={(routing) => setCilium({ ...cilium, routing })}
        />
        <Choice
          label="Cilium encryption"
          value={cilium.encryption}
          values={CILIUM_ENCRYPTIONS}
          names={ENCRYPTION_LABEL}
          onChange={(encryption) => setCilium({ ...cilium, encryption })}
        />
        <label className="check">
          <input
            type="checkbox"
            checked={cilium.kubeProxyReplacement}
            onChange={(e) => setCilium({ ...cilium, kubeProxyReplacement: e.target.checked })}
          />
          kube-proxy replacement
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={cilium.bpfMasquerade}
            onChange={(e) => setCilium({ ...cilium, bpfMasquerade: e.target.checked })}
          />
          BPF masquerade
        </label>
      </fieldset>
    </div>
  );
}
