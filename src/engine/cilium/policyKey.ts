/**
 * How Cilium's CLI prints a policy key's protocol and port (a leaf module: the map dump and the
 * model's trace formatter both print keys, and neither may pull in the model to do it).
 */

// pkg/u8proto/u8proto.go `protoNames`: protocol 1 prints as ICMP (an `icmps` key: `8/ICMP`).
export const PROTO_NAME: Readonly<Record<number, string>> = {
  0: 'ANY',
  1: 'ICMP',
  6: 'TCP',
  17: 'UDP',
  132: 'SCTP',
};

/** A policy key's protocol/port as `cilium bpf policy get` prints it (pkg/maps/policymap
 * `PortProtoString`): `ANY`, `TCP`, `80/TCP`, or a prefix as `8080-8095/TCP`. */
export const formatPortKey = (proto: number, port: number, prefixLen: number): string => {
  const p = PROTO_NAME[proto] ?? String(proto);
  if (prefixLen <= 8) return p;
  if (prefixLen >= 24) return `${port}/${p}`;
  return `${port}-${port + 2 ** (24 - prefixLen) - 1}/${p}`;
};
