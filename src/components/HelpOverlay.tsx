import './HelpOverlay.css';
import { useEffect, useRef, type ReactNode } from 'react';
import { COMMANDS, shownKeys, type Command, type CommandGroup } from './commands';

/** The commands table's groups, in the order of their first command: a new group is listed too. */
const GROUPS: readonly CommandGroup[] = [...new Set(COMMANDS.map((c) => c.group))];

/** A node layer as the drawing shows it: a box of the layer's class with its label. */
const layerSample = (cls: string, label: string): ReactNode => (
  <g className={`layer ${cls}`}>
    <rect x="2" y="6" width="60" height="20" rx="3" />
    <text className="layer-label" x="7" y="20">
      {label}
    </text>
  </g>
);

/**
 * The legend's samples use the topology's own classes (viz/topology.ts, TopologyView.css) inside a
 * `.topology-view`, so each looks like what the drawing shows.
 */
const LEGEND: readonly { name: string; text: string; sample: ReactNode }[] = [
  {
    name: 'veth',
    text: 'a pod’s host-side interface, under the pod’s name and IP',
    sample: (
      <g className="pod">
        <rect x="2" y="2" width="60" height="28" rx="5" />
        <text className="veth" x="7" y="21">
          cali12…
        </text>
      </g>
    ),
  },
  {
    name: 'Hook or program',
    text: 'a layer of a node the packet passes: iptables chains, a tc eBPF program, routing',
    sample: layerSample('layer-tc-ebpf', 'tc eBPF'),
  },
  {
    name: 'Table',
    text: 'the routing table, chain or map a hop consults (its rows are in the inspector)',
    sample: layerSample('layer-routing', 'routes'),
  },
  {
    name: 'Tunnel',
    text: 'a wide translucent pipe over the underlay; devices that wrap or encrypt have a dashed edge',
    sample: (
      <g className="tunnel">
        <line className="tunnel-pipe" x1="8" y1="16" x2="56" y2="16" />
      </g>
    ),
  },
  {
    name: 'BGP session',
    text: 'a dashed line between peers; hover it for the peers, AS numbers and BIRD names',
    sample: <path className="bgp-session" d="M4,24 Q32,0 60,24" />,
  },
  {
    name: 'RR badge',
    text: 'the node is a BGP route reflector',
    sample: (
      <g className="rr-badge">
        <rect x="16" y="7" width="32" height="18" rx="4" />
        <text x="32" y="20" textAnchor="middle">
          RR
        </text>
      </g>
    ),
  },
  {
    name: 'Outer-header rings',
    text: 'one dashed ring round the packet per outer header (encapsulated or encrypted)',
    sample: (
      <g transform="translate(32,16)">
        <circle className="packet-ring" r="10" />
        <circle className="packet-ring" r="14" />
        <circle className="packet-core" r="6" />
      </g>
    ),
  },
  {
    name: 'Verdict marks',
    text: '✓ delivered at the destination; a circled ✕ and “dropped” where the packet is dropped',
    sample: (
      <>
        <g className="delivered-marker">
          <text x="14" y="21">
            ✓
          </text>
        </g>
        <g className="drop-marker" transform="translate(44,16)">
          <circle r="11" />
          <path d="M-5,-5L5,5M5,-5L-5,5" />
        </g>
      </>
    ),
  },
];

const FOCUSABLE = 'button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])';

/**
 * The keyboard shortcuts, from the commands table, and a legend of the drawing: a modal dialog that
 * keeps focus inside it, closes on Escape (or `?`), and gives focus back to where it was.
 */
export function HelpOverlay({ onClose }: { onClose: () => void }) {
  const dialog = useRef<HTMLDivElement>(null);
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    close.current?.focus();
    return () => before?.focus?.();
  }, []);

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape' || e.key === '?') {
      e.preventDefault();
      onClose();
      return;
    }
    if (e.key !== 'Tab') return;
    const items = [...(dialog.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? [])];
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) return;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  const byGroup = (g: CommandGroup): Command[] => COMMANDS.filter((c) => c.group === g);
  return (
    <div className="help-backdrop" onClick={onClose}>
      <div
        ref={dialog}
        className="help-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="help-title"
        onKeyDown={onKeyDown}
        onClick={(e) => e.stopPropagation()}
      >
        <header className="help-header">
          <h2 id="help-title">Keyboard shortcuts and legend</h2>
          <button ref={close} type="button" onClick={onClose}>
            Close
          </button>
        </header>
        <p className="help-note">
          Shortcuts work wherever focus is, except while typing in a field, a list or the policy
          editor.
        </p>
        <div className="help-columns">
          <section aria-labelledby="help-keys-title">
            <h3 id="help-keys-title">Keys</h3>
            {GROUPS.map((g) => (
              <div key={g} className="help-group">
                <h4>{g}</h4>
                <dl>
                  {byGroup(g).map((c) => (
                    <div key={c.id} data-command={c.id}>
                      <dt>
                        {shownKeys(c).map((k, i) => (
                          <span key={k}>
                            {i > 0 && ' or '}
                            <kbd>{k}</kbd>
                          </span>
                        ))}
                      </dt>
                      <dd>{c.label}</dd>
                    </div>
                  ))}
                </dl>
              </div>
            ))}
          </section>
          <section aria-labelledby="help-legend-title">
            <h3 id="help-legend-title">What the drawing shows</h3>
            <ul className="help-legend topology-view">
              {LEGEND.map((item) => (
                <li key={item.name}>
                  <svg viewBox="0 0 64 32" width="64" height="32" aria-hidden="true">
                    {item.sample}
                  </svg>
                  <span>
                    <strong>{item.name}</strong>: {item.text}
                  </span>
                </li>
              ))}
            </ul>
          </section>
        </div>
      </div>
    </div>
  );
}
