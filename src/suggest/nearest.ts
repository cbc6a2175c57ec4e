import { deniedFilePerms, describePerms } from './access.js';
import { deviceIdentity } from './devices.js';
import type { MatchContext, PartialMatch } from './match.js';

/** The most useful sentence on why no interface allows the access. */
export function nearestReason(ctx: MatchContext, partials: readonly PartialMatch[]): string {
  const partial = partials.find((p) => !p.weak && !('incidental' in p && p.incidental)) ?? partials[0];
  if (partial) return `'${partial.rule.id}' comes closest: ${partial.reason}`;
  const d = ctx.denial;
  switch (ctx.kind) {
    case 'file': {
      const perms = deniedFilePerms(d);
      return `no interface rule allows ${perms ? describePerms(perms) : 'this access'} on ${d.path}`;
    }
    case 'capability':
      return `no interface grants capability ${d.capname ?? d.capability ?? '(unknown)'}`;
    case 'network':
      return `no interface grants network ${[d.family, d.sockType].filter(Boolean).join(' ')}`;
    case 'unix':
      return `no interface allows unix ${d.operation ?? 'access'} to ${d.addr ?? d.peerAddr ?? 'this socket'}`;
    case 'dbus':
      return `no interface allows D-Bus ${[d.dbus?.interface, d.dbus?.member].filter(Boolean).join('.') || d.dbus?.name || 'access'} on ${d.dbus?.path ?? 'this path'}`;
    case 'signal':
      return `no interface allows signal ${d.signal ?? ''} to ${d.peer ?? 'this peer'}`;
    case 'ptrace':
      return `no interface allows ptrace of ${d.peer ?? 'this peer'}`;
    case 'mount':
      return `no interface allows mounting ${d.fstype ?? ''} on ${d.path ?? 'this mount point'}`;
    case 'userns':
      return 'no interface in these rules allows user namespaces';
    case 'syscall':
      return d.syscall?.name
        ? `no interface's seccomp rules allow ${d.syscall.name}`
        : `syscall ${d.syscall?.number ?? '?'} is unknown on this architecture`;
    case 'device': {
      const id = d.device ? deviceIdentity(d.device) : {};
      return `no interface's udev rules select ${d.device ? `${d.device.type} ${d.device.major}:${d.device.minor}` : 'this device'}${id.kernel ? ` (${id.kernel})` : ''}`;
    }
    default:
      return `the log does not say what was accessed (operation ${d.operation ?? 'unknown'})`;
  }
}
