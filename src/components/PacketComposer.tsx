import { Fragment, useDeferredValue, useMemo } from 'react';
import { podKey } from '../engine/cluster';
import type { ProbeProtocol, Protocol } from '../engine/model';
import {
  type PacketChoice,
  selectCluster,
  selectPacket,
  useAppActions,
  useAppStore,
} from '../store';
import { withDestination } from './packetChoice';
import { usePopoverShown } from './Popover';

const NO_PODS: readonly string[] = [];

/**
 * The listed pods as options, with the chosen one first when the list does not hold it (yet). The
 * two cases are keyed apart: a thousand options arriving beside a kept one would each be placed one
 * by one (React looks for each one's next sibling: quadratic); a new group is placed at once.
 */
function PodOptions({ listed, chosen }: { listed: readonly string[]; chosen: string | null }) {
  const missing = chosen !== null && !listed.includes(chosen);
  return (
    <Fragment key={missing ? 'chosen' : 'listed'}>
      {(missing ? [chosen, ...listed] : listed).map((p) => (
        <option key={p}>{p}</option>
      ))}
    </Fragment>
  );
}

const PROTOCOLS: readonly ProbeProtocol[] = ['TCP', 'UDP', 'SCTP', 'ICMP'];
/** ICMP types offered (RFC 792; names as engine/probe.ts formats them); echo request is ping's. */
const ICMP_TYPES: readonly [number, string][] = [
  [8, 'echo-request (8)'],
  [0, 'echo-reply (0)'],
  [13, 'timestamp (13)'],
  [3, 'destination-unreachable (3)'],
  [11, 'time-exceeded (11)'],
];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH'];
const OUTSIDE = ['ip:8.8.8.8', 'ip:1.1.1.1'];

/** Compose the packet: source pod, destination (pod, Service or outside address), port, protocol, HTTP. */
export function PacketComposer() {
  const cluster = useAppStore(selectCluster);
  const packet = useAppStore(selectPacket);
  const setPacket = useAppActions().setPacket;

  const pods = useMemo(() => (cluster ? cluster.pods.map(podKey) : NO_PODS), [cluster]);
  // A scenario's pods are a thousand options in each of two selects: they are made only once the
  // Packet popover has been opened (until then nobody sees them, and their 2,000 elements made a
  // long task of a large scenario's load), and then in the background (a deferred render, in
  // slices), not in the task that opens it. Until they are there each select holds the packet's own
  // pods (PodOptions), so it shows the right choice.
  const shown = usePopoverShown();
  const listedPods = useDeferredValue(shown ? pods : NO_PODS);
  const services = useMemo(
    () => (cluster ? cluster.services.map((s) => `svc:${s.namespace}/${s.name}`) : []),
    [cluster],
  );
  const ports = useMemo(() => {
    if (!cluster || !packet) return [];
    const key = packet.to.replace(/^(pod|svc):/, '');
    const pod = cluster.pods.find((p) => podKey(p) === key);
    const svc = cluster.services.find((s) => `${s.namespace}/${s.name}` === key);
    const list = [
      ...(pod?.ports ?? []).map((p) => p.port),
      ...(svc?.ports ?? []).map((p) => p.port),
    ];
    return [...new Set([...list, packet.port])].filter((p) => p > 0).sort((a, b) => a - b);
  }, [cluster, packet]);

  if (!cluster || !packet) {
    return (
      <p className="composer-empty">No packet yet: the scenario has no pod with a declared port.</p>
    );
  }
  const update = (patch: Partial<PacketChoice>) => setPacket({ ...packet, ...patch });
  return (
    <div className="packet-composer" role="group" aria-label="Packet">
      <label>
        Source
        <select value={packet.from} onChange={(e) => update({ from: e.target.value })}>
          <PodOptions listed={listedPods} chosen={packet.from} />
        </select>
      </label>
      <label>
        Destination
        <select
          value={packet.to}
          // The port follows the destination (a Service's own port), as a click on the drawing.
          onChange={(e) => setPacket(withDestination(cluster, packet, e.target.value))}
        >
          <optgroup label="Pods">
            <PodOptions
              listed={listedPods}
              chosen={/^(pod|svc|ip):/.test(packet.to) ? null : packet.to}
            />
          </optgroup>
          {services.length > 0 && (
            <optgroup label="Services">
              {services.map((s) => (
                <option key={s} value={s}>
                  {s.slice(4)} (Service)
                </option>
              ))}
            </optgroup>
          )}
          <optgroup label="Outside the cluster">
            {OUTSIDE.map((ip) => (
              <option key={ip} value={ip}>
                {ip.slice(3)}
              </option>
            ))}
          </optgroup>
        </select>
      </label>
      {packet.protocol === 'ICMP' ? (
        <label>
          ICMP type
          <select
            value={packet.icmp?.type ?? 8}
            onChange={(e) => update({ icmp: { type: Number(e.target.value), code: 0 } })}
          >
            {ICMP_TYPES.map(([type, name]) => (
              <option key={type} value={type}>
                {name}
              </option>
            ))}
          </select>
        </label>
      ) : (
        <label>
          Port
          <select value={packet.port} onChange={(e) => update({ port: Number(e.target.value) })}>
            {ports.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        Protocol
        <select
          value={packet.protocol}
          onChange={(e) => {
            const protocol = e.target.value as ProbeProtocol;
            // ICMP has no port: it carries a type and code (an echo request first, as ping sends).
            if (protocol === 'ICMP') {
              setPacket({
                from: packet.from,
                to: packet.to,
                protocol,
                port: 0,
                icmp: { type: 8, code: 0 },
                ...(packet.reply ? { reply: true } : {}),
              });
              return;
            }
            const rest: PacketChoice = {
              from: packet.from,
              to: packet.to,
              port: packet.port,
              protocol: packet.protocol,
              ...(packet.http ? { http: packet.http } : {}),
              ...(packet.reply ? { reply: true } : {}),
            };
            const port = rest.port > 0 ? rest.port : (ports[0] ?? 80);
            // HTTP rides on TCP only.
            setPacket(
              protocol === 'TCP'
                ? { ...rest, port, protocol: protocol as Protocol }
                : { ...rest, port, protocol: protocol as Protocol, http: undefined },
            );
          }}
        >
          {PROTOCOLS.map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
      </label>
      <label>
        Method
        <select
          value={packet.http?.method ?? ''}
          disabled={packet.protocol !== 'TCP'}
          onChange={(e) =>
            update({
              http: e.target.value
                ? { method: e.target.value, path: packet.http?.path ?? '/' }
                : undefined,
            })
          }
        >
          <option value="">No HTTP</option>
          {METHODS.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
      </label>
      <label>
        Path
        <input
          type="text"
          value={packet.http?.path ?? ''}
          disabled={!packet.http}
          placeholder="/"
          onChange={(e) =>
            packet.http && update({ http: { ...packet.http, path: e.target.value } })
          }
        />
      </label>
    </div>
  );
}
