/** The IP set names Felix derives from a selector's canonical string. */
import { memoByText, sha224, toBase64Url } from '../../hash';

/**
 * The selector's unique ID, ast.go `UniqueID()` = libcalico-go/lib/hash/unique_id.go
 * `MakeUniqueID("s", canonical)`: `s:` + base64url(SHA-224(`s:` + canonical)), unpadded.
 */
export function selectorUniqueId(canonical: string): string {
  return uniqueId('s:' + canonical);
}

/** libcalico-go `MakeUniqueID`'s hash part, kept by input: every rule names its sets again. */
const uniqueId = memoByText((text) => text.slice(0, 2) + toBase64Url(sha224(text)));

/** felix/ipsets/ipset_defs.go `MaxIPSetNameLength`: the kernel's ipset name limit. */
const MAX_IPSET_NAME_LENGTH = 31;

/**
 * felix/ipsets/ipset_defs.go `NameForMainIPSet`: "cali" + IP version + main-set token "0", then
 * the set ID, cut to 31 characters. A selector-only IP set's ID is the selector's unique ID
 * (felix/calc/rule_scanner.go `IPSetData.UniqueID`), so names look like `cali40s:` + 23 characters.
 */
export function selectorIpSetName(canonical: string, ipVersion: 4 | 6 = 4): string {
  return mainIpSetName(selectorUniqueId(canonical), ipVersion);
}

/**
 * The IP set of a named port over a selector's endpoints (felix/calc/rule_scanner.go
 * `IPSetData.UniqueID`): ID `MakeUniqueID("n", selectorID + "," + protocol + "," + portName)`
 * with the protocol lower-case (ipsetmember `Protocol.String()`: `tcp`, `udp`, `sctp`, or `any`
 * for a rule without a protocol), named `cali40n:…`.
 * A named port in a rule without a selector uses `all()` as the selector.
 */
export function namedPortIpSetName(
  canonical: string,
  protocol: 'TCP' | 'UDP' | 'SCTP' | 'any',
  portName: string,
  ipVersion: 4 | 6 = 4,
): string {
  const content = `${selectorUniqueId(canonical)},${protocol.toLowerCase()},${portName}`;
  return mainIpSetName(uniqueId('n:' + content), ipVersion);
}

function mainIpSetName(setId: string, ipVersion: 4 | 6): string {
  return `cali${ipVersion}0${setId}`.slice(0, MAX_IPSET_NAME_LENGTH);
}
