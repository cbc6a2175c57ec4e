/** Netlink protocol numbers (linux/netlink.h) by the names snapd's seccomp snippets use. */
const NETLINK_PROTOCOLS: readonly (string | undefined)[] = [
  'NETLINK_ROUTE',
  undefined,
  'NETLINK_USERSOCK',
  'NETLINK_FIREWALL',
  'NETLINK_SOCK_DIAG',
  'NETLINK_NFLOG',
  'NETLINK_XFRM',
  'NETLINK_SELINUX',
  'NETLINK_ISCSI',
  'NETLINK_AUDIT',
  'NETLINK_FIB_LOOKUP',
  'NETLINK_CONNECTOR',
  'NETLINK_NETFILTER',
  'NETLINK_IP6_FW',
  'NETLINK_DNRTMSG',
  'NETLINK_KOBJECT_UEVENT',
  'NETLINK_GENERIC',
  undefined,
  'NETLINK_SCSITRANSPORT',
  'NETLINK_ECRYPTFS',
  'NETLINK_RDMA',
  'NETLINK_CRYPTO',
  'NETLINK_SMC',
];

export function netlinkProtocolName(protocol: number): string | undefined {
  return NETLINK_PROTOCOLS[protocol];
}
