/**
 * The visualizer's view state: plain, serialisable data that round-trips through the URL, so any
 * view (scenario, modes, packet, step, panels) is a link. Decoding never throws: a value that does
 * not decode falls back to its default and is reported, so the app can say so to the user.
 */
import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string';
import {
  DEFAULT_CALICO_CONFIG,
  DEFAULT_CILIUM_CONFIG,
  type CalicoConfig,
  type CiliumConfig,
} from '../datapath/config';
import { CALICO_OPTIONS, CILIUM_OPTIONS, decodeOptions, encodeOptions } from '../datapath/options';
import type { PacketSpec } from '../datapath/packet';
import {
  GENERATED_PREFIX,
  generatedScenarioId,
  isGeneratedScenarioId,
  parseGenerateToken,
} from '../engine/generateOptions';
import { PROBE_PROTOCOLS, type Cni } from '../engine/model';
import { ECHO_REQUEST } from '../engine/model';
import {
  DEFAULT_FLOWS_VIEW,
  FLOW_TABS,
  isPanelId,
  type FlowsView,
  type PanelId,
} from '../registry/panels';
import { decodeLegacyCalico, decodeLegacyCilium, isLegacyModes } from './legacyLinks';
import { isUserScenarioId } from './slices/librarySlice';

/** Both CNIs side by side, or one alone. */
export type Layout = 'compare' | Cni;
export const LAYOUTS: readonly Layout[] = ['compare', 'calico', 'cilium'];
// The panel ids come from the panels registry: a link may name exactly the registry's panels.
export {
  DEFAULT_FLOWS_VIEW,
  FLOW_TABS,
  PANELS,
  type FlowsView,
  type FlowTab,
  type PanelId,
} from '../registry/panels';

/** The packet a view shows: the walk's own packet type (datapath/packet.ts). */
export type PacketChoice = PacketSpec;

export interface ViewState {
  /**
   * A built-in scenario's id, a lesson's (`lesson/file.yaml`), or a generated cluster's:
   * `gen:pods:1000,nodes:10,ns:20,pol:10000,mix:50-25-25,seed:42` (engine/generateOptions.ts), so a
   * link carries the generator's options and the app generates the same cluster again, never the
   * megabytes of its YAML.
   */
  readonly scenarioId: string;
  /** Edited manifests that replace the scenario's text; null when unedited. */
  readonly scenarioText: string | null;
  readonly calico: CalicoConfig;
  readonly cilium: CiliumConfig;
  /** Null until a scenario gives a sensible default packet. */
  readonly packet: PacketChoice | null;
  /** The hop both panels stand at (each clamps it to its own walk). */
  readonly step: number;
  readonly layout: Layout;
  readonly panels: readonly PanelId[];
  /** The port the connectivity matrix shows; null = every declared port. */
  readonly matrixPort: number | null;
  readonly flows: FlowsView;
}

export const DEFAULT_VIEW: ViewState = {
  scenarioId: 'seed-policies',
  scenarioText: null,
  calico: DEFAULT_CALICO_CONFIG,
  cilium: DEFAULT_CILIUM_CONFIG,
  packet: null,
  step: 0,
  layout: 'compare',
  panels: ['inspector'],
  matrixPort: null,
  flows: DEFAULT_FLOWS_VIEW,
};

/**
 * The last scenario text compressed for a link. The URL is written again at every step of a walk,
 * and compressing an edited scenario each time cost long tasks (a 100-pod scenario: ~100 ms a step).
 */
let compressed: { text: string; value: string } | null = null;
function compressedText(text: string): string {
  if (compressed?.text !== text) compressed = { text, value: compressToEncodedURIComponent(text) };
  return compressed.value;
}

/**
 * The longest edited scenario a link carries, in characters. The URL follows the view at every edit,
 * and compressing costs ~150 ns a character (lz-string): issue 15's 3.4 MB bench pasted into the
 * editor was 0.5 s per keystroke. A longer text stays out of the URL: the browser's saved edits bring
 * it back on reload (controller.ts marks a link's draft `edits=draft`), and the Share popover offers
 * it as a file (its compressed form would be far over what a link can be trusted to carry).
 */
export const LINK_TEXT_MAX = 100_000;
export const linkCarriesText = (text: string): boolean => text.length <= LINK_TEXT_MAX;

/** The view as URL query parameters (for the part of the URL after `#/walk?`). */
export function encodeView(view: ViewState): string {
  const p = new URLSearchParams();
  p.set('scenario', view.scenarioId);
  // Named tokens from the options registry: `cilium=routing:native,kpr:on,masq:bpf,enc:none`.
  p.set('calico', encodeOptions(CALICO_OPTIONS, view.calico));
  p.set('cilium', encodeOptions(CILIUM_OPTIONS, view.cilium));
  if (view.packet) {
    p.set('from', view.packet.from);
    p.set('to', view.packet.to);
    // ICMP has no port: its type and code travel instead (`proto=ICMP&itype=8&icode=0`).
    if (view.packet.protocol === 'ICMP') {
      const icmp = view.packet.icmp ?? ECHO_REQUEST;
      p.set('proto', 'ICMP');
      p.set('itype', String(icmp.type));
      p.set('icode', String(icmp.code));
    } else {
      p.set('port', String(view.packet.port));
      p.set('proto', view.packet.protocol);
    }
    if (view.packet.http) p.set('http', `${view.packet.http.method}:${view.packet.http.path}`);
    if (view.packet.reply) p.set('reply', '1');
  }
  p.set('step', String(view.step));
  p.set('layout', view.layout);
  p.set('panels', view.panels.join(','));
  if (view.matrixPort !== null) p.set('mport', String(view.matrixPort));
  if (view.flows.tab !== DEFAULT_FLOWS_VIEW.tab) p.set('ftab', view.flows.tab);
  if (view.flows.observe) p.set('observe', view.flows.observe);
  if (view.flows.calicoFilter) p.set('wfilter', view.flows.calicoFilter);
  if (view.flows.mapCni !== DEFAULT_FLOWS_VIEW.mapCni) p.set('mapcni', view.flows.mapCni);
  if (view.flows.traffic !== null)
    p.set('traffic', compressToEncodedURIComponent(view.flows.traffic));
  if (view.scenarioText !== null && linkCarriesText(view.scenarioText))
    p.set('yaml', compressedText(view.scenarioText));
  // `:` and `,` may stand unescaped in a query (RFC 3986 pchar, sub-delims): links stay readable.
  return p.toString().replace(/%3A/g, ':').replace(/%2C/g, ',');
}

export interface DecodedView {
  readonly view: ViewState;
  /** What could not be decoded, one plain phrase each; empty when the link was fine. */
  readonly problems: readonly string[];
  /** The link was in an older form: the app replaces it with the current one (same view). */
  readonly rewritten?: boolean;
}

function pick<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
  what: string,
  problems: string[],
): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  problems.push(`unknown ${what} "${value}"`);
  return fallback;
}

/** Decodes query parameters; `knownScenarios` are the ids that exist. */
export function decodeView(query: string, knownScenarios: readonly string[]): DecodedView {
  const p = new URLSearchParams(query);
  const problems: string[] = [];
  const get = (k: string) => p.get(k) ?? undefined;

  let scenarioId = DEFAULT_VIEW.scenarioId;
  const sid = get('scenario');
  if (sid !== undefined) {
    // A user scenario (`my:…`) need not be in this browser's library: the controller decides.
    if (knownScenarios.includes(sid) || isUserScenarioId(sid)) scenarioId = sid;
    else if (isGeneratedScenarioId(sid)) {
      const parsed = parseGenerateToken(sid.slice(GENERATED_PREFIX.length));
      if (parsed.ok) scenarioId = generatedScenarioId(parsed.options);
      else problems.push(parsed.error);
    } else problems.push(`unknown scenario "${sid}"`);
  }

  // Today's named tokens, or the positional form of older links (read, then rewritten).
  let rewritten = false;
  let calico = DEFAULT_VIEW.calico;
  const cal = get('calico');
  if (cal !== undefined) {
    rewritten ||= isLegacyModes(cal);
    calico = isLegacyModes(cal)
      ? decodeLegacyCalico(cal, problems)
      : decodeOptions(CALICO_OPTIONS, cal, problems);
  }

  let cilium = DEFAULT_VIEW.cilium;
  const cil = get('cilium');
  if (cil !== undefined) {
    rewritten ||= isLegacyModes(cil);
    cilium = isLegacyModes(cil)
      ? decodeLegacyCilium(cil, problems)
      : decodeOptions(CILIUM_OPTIONS, cil, problems);
  }

  let packet: PacketChoice | null = null;
  const from = get('from');
  const to = get('to');
  if (from !== undefined || to !== undefined) {
    const protocol = pick(get('proto'), PROBE_PROTOCOLS, 'TCP', 'protocol', problems);
    const icmpField = (key: string, fallback: number): number => {
      const text = get(key);
      if (text === undefined) return fallback;
      const n = Number(text);
      if (/^\d+$/.test(text) && n <= 255) return n;
      problems.push(`${key} "${text}" is not an ICMP ${key === 'itype' ? 'type' : 'code'} (0-255)`);
      return fallback;
    };
    const httpText = get('http');
    const colon = httpText?.indexOf(':') ?? -1;
    if (protocol === 'ICMP') {
      if (!from || !to) problems.push('an incomplete packet (from and to are needed)');
      else
        packet = {
          from,
          to,
          port: 0,
          protocol,
          icmp: { type: icmpField('itype', 8), code: icmpField('icode', 0) },
          ...(get('reply') === '1' ? { reply: true } : {}),
        };
    } else if (
      !from ||
      !to ||
      !Number.isInteger(Number(get('port'))) ||
      Number(get('port')) < 1 ||
      Number(get('port')) > 65535
    ) {
      problems.push('an incomplete packet (from, to and port 1-65535 are needed)');
    } else {
      packet = {
        from,
        to,
        port: Number(get('port')),
        protocol,
        ...(httpText && colon > 0
          ? { http: { method: httpText.slice(0, colon), path: httpText.slice(colon + 1) } }
          : {}),
        ...(get('reply') === '1' ? { reply: true } : {}),
      };
    }
  }

  const stepText = get('step');
  let step = 0;
  if (stepText !== undefined) {
    const n = Number(stepText);
    if (Number.isInteger(n) && n >= 0) step = n;
    else problems.push(`step "${stepText}" is not a hop number`);
  }

  const layout = pick(get('layout'), LAYOUTS, DEFAULT_VIEW.layout, 'layout', problems);
  let panels = DEFAULT_VIEW.panels;
  const panelText = get('panels');
  if (panelText !== undefined) {
    const list = panelText === '' ? [] : panelText.split(',');
    const bad = list.filter((x) => !isPanelId(x));
    if (bad.length > 0) problems.push(`unknown panel ${bad.map((b) => `"${b}"`).join(', ')}`);
    panels = list.filter(isPanelId);
  }

  let matrixPort: number | null = null;
  const mport = get('mport');
  if (mport !== undefined) {
    const n = Number(mport);
    if (Number.isInteger(n) && n >= 1 && n <= 65535) matrixPort = n;
    else problems.push(`matrix port "${mport}" is not a port`);
  }

  let flows: FlowsView = {
    tab: pick(get('ftab'), FLOW_TABS, DEFAULT_FLOWS_VIEW.tab, 'flows tab', problems),
    observe: get('observe') ?? '',
    calicoFilter: get('wfilter') ?? '',
    mapCni: pick(get('mapcni'), ['calico', 'cilium'], DEFAULT_FLOWS_VIEW.mapCni, 'CNI', problems),
    traffic: null,
  };
  const trafficText = get('traffic');
  if (trafficText !== undefined) {
    const text = decompressFromEncodedURIComponent(trafficText);
    if (text) flows = { ...flows, traffic: text };
    else problems.push('the traffic list in the link could not be decompressed');
  }

  let scenarioText: string | null = null;
  const yaml = get('yaml');
  if (yaml !== undefined) {
    const text = decompressFromEncodedURIComponent(yaml);
    if (text) scenarioText = text;
    else problems.push('the edited scenario in the link could not be decompressed');
  }

  // A link that fails to decode opens the default view, with the notice, rather than half of it.
  if (problems.length > 0) return { view: DEFAULT_VIEW, problems };
  return {
    view: {
      scenarioId,
      scenarioText,
      calico,
      cilium,
      packet,
      step,
      layout,
      panels,
      matrixPort,
      flows,
    },
    problems,
    ...(rewritten ? { rewritten } : {}),
  };
}
