/**
 * IPv4 addresses and CIDR prefixes as numbers. Parsing is strict: the engine reports a bad address
 * to the user instead of guessing what was meant.
 */

export interface Cidr {
  /** The network address as an unsigned 32-bit number (host bits cleared). */
  readonly base: number;
  readonly prefix: number;
  /** As written, normalised: `10.0.0.0/8`. */
  readonly text: string;
}

/**
 * Parses a dotted quad; returns null when it is not one. Strict: four decimal octets 0-255, no
 * leading zeros (`01`), nothing else. Read character by character (no split, no regex): the
 * compile parses every pod address for every ipBlock.
 */
export function parseIPv4(text: string): number | null {
  const length = text.length;
  if (length < 7 || length > 15) return null;
  let n = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || dots === 3) return null;
      n = n * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      // A leading zero is allowed only as the whole octet.
      if (digits === 1 && octet === 0) return null;
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return null;
    } else return null;
  }
  if (digits === 0 || dots !== 3) return null;
  return (n * 256 + octet) >>> 0;
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export const isIPv4 = (text: string): boolean => parseIPv4(text) !== null;

const maskOf = (prefix: number): number => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);

/** `hostBits`: the address had bits set beyond the prefix, which `cidr` has cleared. */
export type CidrResult = { ok: true; cidr: Cidr; hostBits: boolean } | { ok: false; error: string };

/**
 * Parses `a.b.c.d/n`. A bare address is a /32. Host bits set (`10.0.0.1/8`) are an error unless
 * `allowHostBits`, which masks them (`hostBits` says it did), as the fields that accept them do:
 * a Kubernetes ipBlock (legacy CIDR validation, kubernetes staging apimachinery
 * pkg/api/validation/ips.go `IsValidCIDRForLegacyField`; strict only behind the alpha
 * StrictIPCIDRValidation gate in 1.33), Cilium's toCIDR/fromCIDR/toCIDRSet (pkg/policy/api/cidr.go:
 * the CRD accepts any address bits and the agent uses the network `net.ParseCIDR` returns), and
 * Calico NetworkSet nets (the `cidr` validator). Calico rule `nets` use the strict `net` validator.
 */
export function parseCidr(text: string, options: { allowHostBits?: boolean } = {}): CidrResult {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  const addrText = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const prefixText = slash < 0 ? '32' : trimmed.slice(slash + 1);
  if (addrText.includes(':')) {
    return { ok: false, error: `"${text}" is an IPv6 CIDR: PacketWalk models IPv4 only` };
  }
  const addr = parseIPv4(addrText);
  if (addr === null) return { ok: false, error: `"${text}" is not a valid IPv4 CIDR` };
  if (!/^\d{1,2}$/.test(prefixText) || Number(prefixText) > 32) {
    return { ok: false, error: `"${text}" has an invalid prefix length (0-32)` };
  }
  const prefix = Number(prefixText);
  const base = (addr & maskOf(prefix)) >>> 0;
  if (base !== addr && !options.allowHostBits) {
    return {
      ok: false,
      error: `"${text}" has host bits set: did you mean ${formatIPv4(base)}/${prefix}?`,
    };
  }
  return {
    ok: true,
    cidr: { base, prefix, text: `${formatIPv4(base)}/${prefix}` },
    hostBits: base !== addr,
  };
}

/** Parses a CIDR known to be valid (tests, built-in constants); throws otherwise. */
export function cidr(text: string): Cidr {
  const r = parseCidr(text);
  if (!r.ok) throw new Error(r.error);
  return r.cidr;
}

export function cidrContainsIP(c: Cidr, ip: number): boolean {
  return (ip & maskOf(c.prefix)) >>> 0 === c.base;
}

export function cidrContains(c: Cidr, ipText: string): boolean {
  const ip = parseIPv4(ipText);
  return ip !== null && cidrContainsIP(c, ip);
}

/** True when every address of `inner` is in `outer`. */
export function cidrCovers(outer: Cidr, inner: Cidr): boolean {
  return outer.prefix <= inner.prefix && cidrContainsIP(outer, inner.base);
}

export const cidrOverlaps = (a: Cidr, b: Cidr): boolean => cidrCovers(a, b) || cidrCovers(b, a);

/** The `index`-th address of a CIDR (0 = the network address). */
export function nthAddress(c: Cidr, index: number): string {
  return formatIPv4((c.base + index) >>> 0);
}

export const cidrSize = (c: Cidr): number => 2 ** (32 - c.prefix);
