/**
 * The CNI options registry: one table per CNI of the options a walk runs under (key, values, labels,
 * link tokens, CLI flag, one-line help, and when an option has no effect). The URL codec
 * (store/viewState.ts), the mode selects (components/ModeSelects.tsx), the CLI (cli/walk.ts), the
 * lesson parser (lessons/parse.ts), describeWalkConfig and the every-mode tests all derive from it,
 * so a new option is one row here plus the feature's own code. Pure data and functions: every layer
 * may read it.
 */
import type { Cni } from '../engine/model';
import {
  calicoUsesBgp,
  ciliumHostRouting,
  DEFAULT_CALICO_CONFIG,
  DEFAULT_CILIUM_CONFIG,
  type CalicoConfig,
  type CiliumConfig,
  type WalkConfig,
} from './config';

export interface OptionValue<V> {
  readonly value: V;
  /** What the mode selects show. */
  readonly label: string;
  /** The value in a link (`encap:vxlan-crosssubnet`) and, for `cli: 'value'` options, on the command line. */
  readonly token: string;
}

/** Why an option has no effect in a configuration: a short visible line, and the reason in full. */
export interface Unused {
  readonly short: string;
  readonly why: string;
}

export interface CniOption<C, K extends keyof C = keyof C> {
  /** The field of the CNI's config; also the key in a lesson step's `view.calico`/`view.cilium`. */
  readonly key: K;
  /** The control's accessible label. */
  readonly label: string;
  /** A checkbox (two values: off, on) or a select. */
  readonly control: 'check' | 'select';
  /** The key in a link: `cilium=routing:native,kpr:on,…`. */
  readonly token: string;
  /** `--flag`; `switch` takes no value and means the second value, `value` takes a value token. */
  readonly flag: string;
  readonly cli: 'switch' | 'value';
  /** One line for `--help` and the control's tooltip. */
  readonly help: string;
  readonly values: readonly OptionValue<C[K]>[];
  /** False when the option has no effect in `config`; the walk then runs with `inactive`. */
  readonly applies?: (config: C) => boolean;
  /** Why it has no effect (when `applies` is false). */
  readonly disabledReason?: (config: C) => Unused;
  /** The value the walk uses while the option does not apply; absent: the chosen value is ignored by the walk itself. */
  readonly inactive?: C[K];
  /** The option's phrase in describeWalkConfig ('' for none). */
  readonly describe: (config: C) => string;
  /** A hint when the flag is given for the other CNI (what that CNI does instead). */
  readonly otherCni?: string;
}

/** The table's rows: one CniOption per field, with the field's own value type. */
export type OptionOf<C> = { [K in keyof C]: CniOption<C, K> }[keyof C];

export interface CniOptionTable<C> {
  readonly cni: Cni;
  readonly title: string;
  readonly defaults: C;
  readonly options: readonly OptionOf<C>[];
}

const onOff = (off: string, on: string) =>
  [
    { value: false, label: off, token: 'off' },
    { value: true, label: on, token: 'on' },
  ] as const;

/**
 * Peering in the VXLAN modes: the VXLAN manifest sets calico_backend "vxlan", so calico-node starts
 * no BIRD (node/filesystem/etc/rc.local) and Felix programs the routes (datapath/bgp.ts has the
 * sources). The chosen value is kept for when a BGP mode comes back.
 */
export const PEERING_UNUSED_IN_VXLAN: Unused = {
  short: 'not used in VXLAN mode',
  why: 'With VXLAN, Calico runs with calico_backend "vxlan": calico-node starts no BIRD, so there are no BGP sessions, and Felix programs the routes to the other nodes’ blocks itself. Your peering choice is kept for the BGP modes.',
};

/**
 * BPF masquerade without kube-proxy replacement: the agent refuses to start ("BPF masquerade
 * requires NodePort", daemon/cmd/daemon.go newDaemon: "BPF masquerade depends on BPF NodePort"),
 * and BPF NodePort is what kube-proxy replacement turns on (Helm nodePort.enabled defaults to false,
 * install/kubernetes/cilium/values.yaml; Documentation/network/concepts/masquerading.rst "The current
 * implementation depends on the BPF NodePort feature").
 */
export const MASQUERADE_NEEDS_KPR: Unused = {
  short: 'needs kube-proxy replacement',
  why: 'BPF masquerade depends on BPF NodePort, which kube-proxy replacement turns on; without it the Cilium agent does not start ("BPF masquerade requires NodePort"), so masquerading stays in iptables.',
};

export const CALICO_OPTIONS: CniOptionTable<CalicoConfig> = {
  cni: 'calico',
  title: 'Calico',
  defaults: DEFAULT_CALICO_CONFIG,
  options: [
    {
      key: 'dataplane',
      label: 'Calico dataplane',
      control: 'select',
      token: 'dataplane',
      flag: 'calico-dataplane',
      cli: 'value',
      help: 'Felix programs iptables chains, or eBPF programs on the interfaces (bpfEnabled)',
      values: [
        { value: 'iptables', label: 'iptables', token: 'iptables' },
        { value: 'ebpf', label: 'eBPF', token: 'ebpf' },
      ],
      describe: (c) => `${c.dataplane} dataplane`,
    },
    {
      key: 'encap',
      label: 'Calico routing',
      control: 'select',
      token: 'encap',
      flag: 'calico-encap',
      cli: 'value',
      help: 'the IP pool’s encapsulation: none (BGP routes), IPIP or VXLAN, always or only across subnets',
      values: [
        { value: 'none', label: 'BGP, no encapsulation', token: 'none' },
        { value: 'ipip', label: 'IPIP', token: 'ipip' },
        { value: 'vxlan', label: 'VXLAN', token: 'vxlan' },
        { value: 'ipip-crosssubnet', label: 'IPIP CrossSubnet', token: 'ipip-crosssubnet' },
        { value: 'vxlan-crosssubnet', label: 'VXLAN CrossSubnet', token: 'vxlan-crosssubnet' },
      ],
      describe: (c) => `encapsulation ${c.encap}`,
    },
    {
      key: 'peering',
      label: 'Calico BGP peering',
      control: 'select',
      token: 'peering',
      flag: 'calico-peering',
      cli: 'value',
      help: 'how BIRD peers: the node-to-node mesh, route reflectors, or top-of-rack routers',
      values: [
        { value: 'full-mesh', label: 'Full mesh', token: 'full-mesh' },
        { value: 'route-reflector', label: 'Route reflectors', token: 'route-reflector' },
        { value: 'tor', label: 'Top-of-rack', token: 'tor' },
      ],
      applies: calicoUsesBgp,
      disabledReason: () => PEERING_UNUSED_IN_VXLAN,
      describe: (c) => (calicoUsesBgp(c) ? `BGP ${c.peering}` : 'routes by Felix (no BGP)'),
    },
    {
      key: 'wireguard',
      label: 'Calico WireGuard',
      control: 'check',
      token: 'enc',
      flag: 'encryption',
      cli: 'value',
      help: 'Calico encrypts with WireGuard only (FelixConfiguration wireguardEnabled)',
      values: [
        { value: false, label: 'None', token: 'none' },
        { value: true, label: 'WireGuard', token: 'wireguard' },
      ],
      describe: (c) => (c.wireguard ? 'WireGuard' : ''),
    },
  ],
};

export const CILIUM_OPTIONS: CniOptionTable<CiliumConfig> = {
  cni: 'cilium',
  title: 'Cilium',
  defaults: DEFAULT_CILIUM_CONFIG,
  options: [
    {
      key: 'routing',
      label: 'Cilium routing',
      control: 'select',
      token: 'routing',
      flag: 'cilium-routing',
      cli: 'value',
      help: 'routingMode tunnel (VXLAN or Geneve), native, or AWS ENI (native with VPC addresses)',
      values: [
        { value: 'vxlan', label: 'VXLAN tunnel', token: 'vxlan' },
        { value: 'geneve', label: 'Geneve tunnel', token: 'geneve' },
        { value: 'native', label: 'Native routing', token: 'native' },
        { value: 'eni', label: 'Cloud native routing (AWS ENI)', token: 'eni' },
      ],
      describe: (c) =>
        c.routing === 'native'
          ? 'native routing'
          : c.routing === 'eni'
            ? 'cloud native routing (AWS ENI)'
            : `${c.routing} tunnel`,
    },
    {
      key: 'kubeProxyReplacement',
      label: 'kube-proxy replacement',
      control: 'check',
      token: 'kpr',
      flag: 'kube-proxy-replacement',
      cli: 'switch',
      help: 'kubeProxyReplacement: Services in eBPF instead of kube-proxy’s iptables',
      values: onOff('off', 'on'),
      otherCni: 'Calico’s eBPF dataplane replaces kube-proxy by itself: --calico-dataplane ebpf',
      describe: (c) => `kube-proxy replacement ${c.kubeProxyReplacement ? 'on' : 'off'}`,
    },
    {
      key: 'bpfMasquerade',
      label: 'BPF masquerade',
      control: 'check',
      token: 'masq',
      flag: 'bpf-masquerade',
      cli: 'switch',
      help: 'bpf.masquerade: masquerade in eBPF instead of iptables (needs kube-proxy replacement; with it, eBPF host routing)',
      values: [
        { value: false, label: 'iptables', token: 'iptables' },
        { value: true, label: 'eBPF', token: 'bpf' },
      ],
      applies: (c) => c.kubeProxyReplacement,
      disabledReason: () => MASQUERADE_NEEDS_KPR,
      inactive: false,
      // Its effect on host routing goes with it: eBPF host routing needs both (config.ts).
      describe: (c) =>
        `BPF masquerade ${c.bpfMasquerade ? 'on' : 'off'}, host routing ${ciliumHostRouting(c)}`,
    },
    {
      key: 'encryption',
      label: 'Cilium encryption',
      control: 'select',
      token: 'enc',
      flag: 'encryption',
      cli: 'value',
      help: 'transparent encryption between nodes: none, WireGuard (cilium_wg0) or IPsec (XFRM)',
      values: [
        { value: 'none', label: 'None', token: 'none' },
        { value: 'wireguard', label: 'WireGuard', token: 'wireguard' },
        { value: 'ipsec', label: 'IPsec', token: 'ipsec' },
      ],
      describe: (c) => `encryption ${c.encryption}`,
    },
  ],
};

/** The tables, keyed by CNI. */
export const CNI_OPTIONS = { calico: CALICO_OPTIONS, cilium: CILIUM_OPTIONS } as const;
export const CNIS: readonly Cni[] = ['calico', 'cilium'];

// ---------------------------------------------------------------------------------------------
// Generic helpers over a table (the typed rows are read through these)
// ---------------------------------------------------------------------------------------------

/** A row seen without its field's type: what generic code (codec, CLI, selects) works with. */
export interface AnyOption<C> extends Omit<CniOption<C>, 'key' | 'values' | 'inactive'> {
  readonly key: keyof C & string;
  readonly values: readonly OptionValue<unknown>[];
  readonly inactive?: unknown;
}

export const optionsOf = <C>(table: CniOptionTable<C>): readonly AnyOption<C>[] =>
  table.options as unknown as readonly AnyOption<C>[];

/** A CNI's rows, for code that reads any CNI's options alike (CLI, lesson parser, tests). */
export const cniOptions = (cni: Cni): readonly AnyOption<unknown>[] =>
  optionsOf(CNI_OPTIONS[cni] as unknown as CniOptionTable<unknown>);

/** The values of one option of a table, in order (e.g. every Calico encapsulation). */
export const optionValues = <C, K extends keyof C>(table: CniOptionTable<C>, key: K): C[K][] =>
  optionsOf(table)
    .find((o) => o.key === key)!
    .values.map((v) => v.value as C[K]);

export const optionApplies = <C>(option: AnyOption<C>, config: C): boolean =>
  option.applies?.(config) ?? true;

/** Why `option` has no effect in `config`, or undefined when it has one. */
export const unusedReason = <C>(option: AnyOption<C>, config: C): Unused | undefined =>
  optionApplies(option, config) ? undefined : option.disabledReason?.(config);

export const valueOf = <C>(option: AnyOption<C>, config: C): unknown =>
  (config as Record<string, unknown>)[option.key];

export const withValue = <C>(config: C, option: AnyOption<C>, value: unknown): C =>
  ({ ...config, [option.key]: value }) as C;

/** The row of `option` whose token is `token`. */
export const valueByToken = <C>(
  option: AnyOption<C>,
  token: string,
): OptionValue<unknown> | undefined => option.values.find((v) => v.token === token);

/** The token of the option's current value in `config`. */
export const tokenOf = <C>(option: AnyOption<C>, config: C): string => {
  const v = valueOf(option, config);
  const row = option.values.find((r) => r.value === v);
  if (!row) throw new Error(`no token for ${option.key} = ${String(v)}`);
  return row.token;
};

/** The config the walk runs: options that do not apply take their `inactive` value. */
export function effectiveConfig<C>(table: CniOptionTable<C>, config: C): C {
  let out = config;
  for (const o of optionsOf(table)) {
    if (o.inactive !== undefined && !optionApplies(o, config)) out = withValue(out, o, o.inactive);
  }
  return out;
}

export const effectiveWalkConfig = (config: WalkConfig): WalkConfig =>
  config.cni === 'calico'
    ? { cni: 'calico', calico: effectiveConfig(CALICO_OPTIONS, config.calico) }
    : { cni: 'cilium', cilium: effectiveConfig(CILIUM_OPTIONS, config.cilium) };

/** The configuration in one line: the CNI's title and each option's phrase, in table order. */
export function describeOptions<C>(table: CniOptionTable<C>, config: C): string {
  const phrases = optionsOf(table)
    .map((o) => o.describe(config))
    .filter(Boolean);
  return `${table.title} ${phrases.join(', ')}`;
}

/**
 * Every distinct configuration of a CNI: the cartesian product of the table's values, less the
 * duplicates an option that does not apply would make (it keeps its `inactive` or first value).
 */
export function allConfigs<C>(table: CniOptionTable<C>): C[] {
  let configs: C[] = [table.defaults];
  for (const o of optionsOf(table)) {
    configs = configs.flatMap((c) => o.values.map((v) => withValue(c, o, v.value)));
  }
  return configs.filter((c) =>
    optionsOf(table).every(
      (o) => optionApplies(o, c) || valueOf(o, c) === (o.inactive ?? o.values[0]!.value),
    ),
  );
}

/** Every distinct configuration of both CNIs, as walk configurations. */
export const allWalkConfigs = (): WalkConfig[] => [
  ...allConfigs(CALICO_OPTIONS).map((calico) => ({ cni: 'calico' as const, calico })),
  ...allConfigs(CILIUM_OPTIONS).map((cilium) => ({ cni: 'cilium' as const, cilium })),
];

/**
 * A deterministic sample of about `n` configurations of `all` that still shows every value of every
 * option at least once (greedy cover first, then evenly spaced picks), for tests that cannot afford
 * the whole product.
 */
export function sampleConfigs<C>(table: CniOptionTable<C>, all: readonly C[], n: number): C[] {
  const picked = new Set<number>();
  const uncovered = new Set(
    optionsOf(table).flatMap((o) => o.values.map((v) => `${o.key}=${v.token}`)),
  );
  const covers = (c: C) =>
    optionsOf(table)
      .map((o) => `${o.key}=${tokenOf(o, c)}`)
      .filter((k) => uncovered.has(k));
  while (uncovered.size > 0) {
    let best = -1;
    let bestCount = 0;
    all.forEach((c, i) => {
      const k = picked.has(i) ? 0 : covers(c).length;
      if (k > bestCount) [best, bestCount] = [i, k];
    });
    if (best < 0) break;
    picked.add(best);
    covers(all[best]!).forEach((k) => uncovered.delete(k));
  }
  const stride = all.length / Math.max(1, n - picked.size);
  for (let x = 0; picked.size < Math.min(n, all.length) && x < all.length; x += stride)
    picked.add(Math.floor(x));
  for (let i = 0; picked.size < Math.min(n, all.length); i++) picked.add(i);
  return [...picked].sort((a, b) => a - b).map((i) => all[i]!);
}

// ---------------------------------------------------------------------------------------------
// Named tokens: `routing:native,kpr:on,masq:bpf,enc:wireguard`, for links
// ---------------------------------------------------------------------------------------------

/** A configuration as named tokens, every option in table order. */
export const encodeOptions = <C>(table: CniOptionTable<C>, config: C): string =>
  optionsOf(table)
    .map((o) => `${o.token}:${tokenOf(o, config)}`)
    .join(',');

/**
 * Reads named tokens over the table's defaults; an option the text leaves out keeps its default (so
 * links written before an option existed still open). Problems are plain phrases.
 */
export function decodeOptions<C>(table: CniOptionTable<C>, text: string, problems: string[]): C {
  let config = table.defaults;
  for (const part of text === '' ? [] : text.split(',')) {
    const colon = part.indexOf(':');
    const key = colon < 0 ? part : part.slice(0, colon);
    const option = optionsOf(table).find((o) => o.token === key);
    if (!option || colon < 0) {
      problems.push(`unknown ${table.title} option "${part}"`);
      continue;
    }
    const row = valueByToken(option, part.slice(colon + 1));
    if (!row) problems.push(`unknown ${option.label} "${part.slice(colon + 1)}"`);
    else config = withValue(config, option, row.value);
  }
  return config;
}

/**
 * The configuration in one line, from the table: "Cilium native routing, kube-proxy replacement on,
 * BPF masquerade on, host routing BPF, encryption none".
 */
export const describeWalkConfig = (config: WalkConfig): string =>
  config.cni === 'calico'
    ? describeOptions(CALICO_OPTIONS, config.calico)
    : describeOptions(CILIUM_OPTIONS, config.cilium);
