import {
  CALICO_DATAPLANES,
  CALICO_ENCAPS,
  CALICO_PEERINGS,
  CILIUM_ENCRYPTIONS,
  CILIUM_ROUTINGS,
  type CalicoEncap,
} from '../datapath/config';
import { useAppStore } from '../store';

const ENCAP_LABEL: Record<CalicoEncap, string> = {
  none: 'BGP, no encapsulation',
  ipip: 'IPIP',
  vxlan: 'VXLAN',
  'ipip-crosssubnet': 'IPIP CrossSubnet',
  'vxlan-crosssubnet': 'VXLAN CrossSubnet',
};
const PEERING_LABEL = {
  'full-mesh': 'Full mesh',
  'route-reflector': 'Route reflectors',
  tor: 'Top-of-rack',
};
const DATAPLANE_LABEL = { iptables: 'iptables', ebpf: 'eBPF' };
const ROUTING_LABEL = { vxlan: 'VXLAN tunnel', geneve: 'Geneve tunnel', native: 'Native routing' };
const ENCRYPTION_LABEL = { none: 'None', wireguard: 'WireGuard', ipsec: 'IPsec' };

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
        <label>
          Calico routing
          <select
            value={calico.encap}
            onChange={(e) => setCalico({ ...calico, encap: e.target.value as CalicoEncap })}
          >
            {CALICO_ENCAPS.map((v) => (
              <option key={v} value={v}>
                {ENCAP_LABEL[v]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Calico BGP peering
          <select
            value={calico.peering}
            onChange={(e) =>
              setCalico({ ...calico, peering: e.target.value as typeof calico.peering })
            }
          >
            {CALICO_PEERINGS.map((v) => (
              <option key={v} value={v}>
                {PEERING_LABEL[v]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Calico dataplane
          <select
            value={calico.dataplane}
            onChange={(e) =>
              setCalico({ ...calico, dataplane: e.target.value as typeof calico.dataplane })
            }
          >
            {CALICO_DATAPLANES.map((v) => (
              <option key={v} value={v}>
                {DATAPLANE_LABEL[v]}
              </option>
            ))}
          </select>
        </label>
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
        <label>
          Cilium routing
          <select
            value={cilium.routing}
            onChange={(e) =>
              setCilium({ ...cilium, routing: e.target.value as typeof cilium.routing })
            }
          >
            {CILIUM_ROUTINGS.map((v) => (
              <option key={v} value={v}>
                {ROUTING_LABEL[v]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Cilium encryption
          <select
            value={cilium.encryption}
            onChange={(e) =>
              setCilium({ ...cilium, encryption: e.target.value as typeof cilium.encryption })
            }
          >
            {CILIUM_ENCRYPTIONS.map((v) => (
              <option key={v} value={v}>
                {ENCRYPTION_LABEL[v]}
              </option>
            ))}
          </select>
        </label>
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
