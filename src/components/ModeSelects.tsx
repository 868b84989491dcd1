import {
  CALICO_DATAPLANES,
  CALICO_ENCAPS,
  CALICO_PEERINGS,
  CILIUM_ENCRYPTIONS,
  CILIUM_ROUTINGS,
} from '../datapath/config';
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
} as const;
const ENCRYPTION_LABEL = { none: 'None', wireguard: 'WireGuard', ipsec: 'IPsec' } as const;

/** A labelled select over a fixed set of values. */
function Choice<T extends string>(props: {
  label: string;
  value: T;
  values: readonly T[];
  names: Readonly<Record<T, string>>;
  onChange: (value: T) => void;
}) {
  return (
    <label>
      {props.label}
      <select value={props.value} onChange={(e) => props.onChange(e.target.value as T)}>
        {props.values.map((v) => (
          <option key={v} value={v}>
            {props.names[v]}
          </option>
        ))}
      </select>
    </label>
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
      </fieldset>
    </div>
  );
}
