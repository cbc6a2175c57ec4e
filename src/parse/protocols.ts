/** IP protocol numbers (IANA, as in /etc/protocols) for the names AppArmor records use. */
const PROTOCOLS: readonly (readonly [string, number])[] = [
  ['ip', 0],
  ['icmp', 1],
  ['igmp', 2],
  ['ipip', 4],
  ['tcp', 6],
  ['egp', 8],
  ['pup', 12],
  ['udp', 17],
  ['idp', 22],
  ['tp', 29],
  ['dccp', 33],
  ['ipv6', 41],
  ['rsvp', 46],
  ['gre', 47],
  ['esp', 50],
  ['ah', 51],
  ['icmpv6', 58],
  ['mtp', 92],
  ['beetph', 94],
  ['encap', 98],
  ['pim', 103],
  ['comp', 108],
  ['l2tp', 115],
  ['sctp', 132],
  ['udplite', 136],
  ['mpls', 137],
  ['ethernet', 143],
  ['raw', 255],
  ['mptcp', 262],
];

const BY_NAME: ReadonlyMap<string, number> = new Map(PROTOCOLS);
const BY_NUMBER: ReadonlyMap<number, string> = new Map(PROTOCOLS.map(([name, number]) => [number, name]));

/** The number for `tcp`, `udp`, ...; undefined for names not in the table. */
export function protocolNumber(name: string): number | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** `tcp` for 6; undefined for numbers not in the table. */
export function protocolName(number: number): string | undefined {
  return BY_NUMBER.get(number);
}
