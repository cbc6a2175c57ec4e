/**
 * The AppArmor profile of one app: our default template (written from the facts of snapd's
 * interfaces/apparmor/template.go, not its text) plus the connected interfaces' rules from
 * rules/interfaces/*.yaml and any extra rules (the policy overlay). Pure: values in, text out.
 */
import type {
  DbusGrant,
  FileGrant,
  InterfaceRule,
  MountGrant,
  NetworkGrant,
  PeerGrant,
  UnixGrant,
} from '../suggest/rules.js';

export interface AppArmorProfileInput {
  /** The snap's name without instance key (`@{SNAP_NAME}`). */
  readonly snapName: string;
  /** NAME or NAME_KEY (`@{SNAP_INSTANCE_NAME}`). */
  readonly instanceName: string;
  readonly revision: string;
  /** snap.NAME.APP or snap.NAME.hook.HOOK: the profile's name. */
  readonly tag: string;
  /** The app or hook name (`@{SNAP_COMMAND_NAME}`). */
  readonly commandName: string;
  readonly mode: 'strict' | 'devmode';
  readonly interfaces: readonly InterfaceRule[];
  /** Whole AppArmor rules, one per entry, added after the interfaces' (the policy overlay's). */
  readonly extraRules?: readonly string[];
  /** The parser knows `userns,` (AppArmor 4); Debian 12's 3.0 does not. */
  readonly userns?: boolean;
}

/** Text that cannot go into a profile (a newline, a NUL, an unsafe name). */
export class AppArmorProfileError extends Error {}

/** snapd's D-Bus-safe form of a name: every byte but [A-Za-z0-9] becomes `_XX` (hex). */
export function dbusSafePath(name: string): string {
  return [...Buffer.from(name, 'utf8')]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9]/.test(char) ? char : `_${byte.toString(16).padStart(2, '0')}`;
    })
    .join('');
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function checkedName(what: string, value: string): string {
  if (!NAME.test(value) || value.length > 256)
    throw new AppArmorProfileError(
      `cannot write an AppArmor profile: ${what} "${value}" is not a plain name`,
    );
  return value;
}

/** Variables the template and the interfaces' rules use (tunables/global defines the rest). */
function variables(input: AppArmorProfileInput): string[] {
  return [
    `@{SNAP_NAME}="${checkedName('snap name', input.snapName)}"`,
    `@{SNAP_INSTANCE_NAME}="${checkedName('instance name', input.instanceName)}"`,
    `@{SNAP_INSTANCE_DESKTOP}="${input.instanceName.replace('_', '+')}"`,
    `@{SNAP_COMMAND_NAME}="${checkedName('command name', input.commandName)}"`,
    `@{SNAP_REVISION}="${checkedName('revision', input.revision)}"`,
    `@{PROFILE_DBUS}="${dbusSafePath(input.tag)}"`,
    '@{INSTALL_DIR}="/{,var/lib/snapd/}snap"',
    '@{SNAP_COREUTIL_DIRS}="/{bin/,usr/bin/,usr/bin/gnu,usr/lib/cargo/bin/coreutils/}"',
  ];
}

/** What every strictly confined app may do, whatever it plugs. */
const TEMPLATE_RULES: readonly string[] = [
  '#include <abstractions/base>',
  '#include <abstractions/consoles>',
  '#include <abstractions/openssl>',
  '# the snap, read-only; its data directories, writable per revision and in common',
  '@{INSTALL_DIR}/{@{SNAP_NAME},@{SNAP_INSTANCE_NAME}}/ r,',
  '@{INSTALL_DIR}/{@{SNAP_NAME},@{SNAP_INSTANCE_NAME}}/** mrkix,',
  '@{INSTALL_DIR}/{@{SNAP_NAME},@{SNAP_INSTANCE_NAME}}/@{SNAP_REVISION}/** mrklix,',
  '/var/snap/{@{SNAP_NAME},@{SNAP_INSTANCE_NAME}}/ r,',
  '/var/snap/{@{SNAP_NAME},@{SNAP_INSTANCE_NAME}}/** mrkix,',
  '/var/snap/{@{SNAP_NAME},@{SNAP_INSTANCE_NAME}}/{@{SNAP_REVISION},common}/** wl,',
  'owner @{HOME}/snap/@{SNAP_INSTANCE_NAME}/ r,',
  'owner @{HOME}/snap/@{SNAP_INSTANCE_NAME}/** mrkix,',
  'owner @{HOME}/snap/@{SNAP_INSTANCE_NAME}/{@{SNAP_REVISION},common}/** wl,',
  '# private /tmp, per-snap shared memory, runtime and lock directories',
  '/tmp/ r,',
  '/tmp/** mrwlkix,',
  '/{dev,run}/shm/snap.@{SNAP_INSTANCE_NAME}.** mrwlkix,',
  '/{dev,run}/shm/sem.snap.@{SNAP_INSTANCE_NAME}.* mrwlk,',
  'owner /run/user/[0-9]*/snap.@{SNAP_INSTANCE_NAME}/ rw,',
  'owner /run/user/[0-9]*/snap.@{SNAP_INSTANCE_NAME}/** mrwklix,',
  '/run/{,lock/}snap.@{SNAP_INSTANCE_NAME}/ rw,',
  '/run/{,lock/}snap.@{SNAP_INSTANCE_NAME}/** mrwklix,',
  '# shells and core utilities a command chain runs',
  '/{,usr/}bin/{,ba,da}sh ixr,',
  '@{SNAP_COREUTIL_DIRS}{basename,cat,chmod,cp,cut,date,dirname,echo,env,expr,false,head,id,ln,ls,mkdir,mktemp,mv,printf,pwd,readlink,realpath,rm,rmdir,sed,sleep,sort,stat,tail,tee,test,touch,tr,true,uname,wc,which} ixr,',
  '# common system files',
  '/etc/{passwd,group,nsswitch.conf,environment,profile,inputrc,bash.bashrc,ld.so.preload} r,',
  '/etc/{os-release,lsb-release,debian_version,machine-id,mime.types,hostname,localtime,timezone} r,',
  '/var/lib/extrausers/{passwd,group} r,',
  '/{,usr/}lib/ r,',
  '@{PROC}/ r,',
  '@{PROC}/{uptime,loadavg,version,cpuinfo,meminfo,stat} r,',
  '@{PROC}/@{pid}/ r,',
  '@{PROC}/@{pid}/{stat,statm,status,smaps,smaps_rollup,cpuset,io} r,',
  '@{PROC}/@{pid}/task/ r,',
  'owner @{PROC}/@{pid}/{cmdline,comm,auxv,limits,loginuid,sessionid,map_files/} r,',
  'owner @{PROC}/@{pid}/maps k,',
  'owner @{PROC}/@{pid}/cgroup rk,',
  'owner @{PROC}/@{pid}/task/@{tid}/comm rw,',
  'owner @{PROC}/@{pid}/{,task/@{tid}/}fd/[0-9]* rw,',
  '@{PROC}/sys/kernel/{hostname,osrelease,ostype,pid_max,cap_last_cap,random/boot_id,random/uuid} r,',
  '@{PROC}/sys/fs/{file-max,file-nr,nr_open,pipe-max-size,inotify/max_*} r,',
  '/sys/ r,',
  '/sys/devices/system/cpu/** r,',
  '/sys/module/apparmor/parameters/enabled r,',
  '/dev/{,u}random w,',
  '/run/systemd/journal/{socket,dev-log} w,',
  '/run/systemd/journal/stdout rw,',
  "# the snap's own processes may talk to and signal each other",
  'signal peer=snap.@{SNAP_INSTANCE_NAME}.*,',
  'signal (receive) peer=snap.*,',
  'signal (receive) peer=unconfined,',
  'unix peer=(label=snap.@{SNAP_INSTANCE_NAME}.*),',
  'unix (bind, listen) addr="@snap.@{SNAP_INSTANCE_NAME}.**",',
  'dbus (send, receive) peer=(label=snap.@{SNAP_INSTANCE_NAME}.*),',
  'capability ipc_lock,',
];

/**
 * AppArmor wants an exec qualifier (the rules data keep only `x`; snapd writes `ix` mostly), and
 * refuses `a` next to `w` (which includes it).
 */
function filePerms(perms: string): string {
  const append = perms.includes('w') ? perms.replace('a', '') : perms;
  return append.replace('x', 'ix');
}

/** Quoted only where AppArmor would split it (braces keep their commas inside). */
function quoted(value: string): string {
  return /[\s"]/.test(value) ? `"${value.replace(/"/g, '\\"')}"` : value;
}

/**
 * `{/etc,/usr/etc}/group` as `/etc/group` and `/usr/etc/group`: AppArmor 3.0's parser wants a
 * file rule to start with `/` or a variable (4.0 takes the leading alternation itself).
 */
export function expandLeadingAlternation(path: string): string[] {
  if (!path.startsWith('{')) return [path];
  let depth = 0;
  let start = 1;
  const choices: string[] = [];
  for (let i = 0; i < path.length; i++) {
    const char = path[i];
    if (char === '{') depth++;
    else if (char === '}' && --depth === 0) {
      choices.push(path.slice(start, i));
      const rest = path.slice(i + 1);
      return choices.flatMap((choice) => expandLeadingAlternation(choice + rest));
    } else if (char === ',' && depth === 1) {
      choices.push(path.slice(start, i));
      start = i + 1;
    }
  }
  return [path];
}

function fileRules(grant: FileGrant): string[] {
  return expandLeadingAlternation(grant.path).map(
    (path) => `${grant.owner ? 'owner ' : ''}${quoted(path)} ${filePerms(grant.perms)},`,
  );
}

/** A peer label or socket address with a `,` (inside braces) must be quoted in AppArmor 3.0. */
function quotedList(value: string): string {
  return value.includes(',') ? `"${value}"` : quoted(value);
}

function networkRule(grant: NetworkGrant): string {
  const family = grant.family === undefined || grant.family === '*' ? '' : ` ${grant.family}`;
  const type = family !== '' && grant.type !== undefined ? ` ${grant.type}` : '';
  return `network${family}${type},`;
}

function accessList(access: readonly string[]): string {
  return access.length === 0 ? '' : ` (${access.join(', ')})`;
}

function dbusRule(grant: DbusGrant): string {
  const parts = [`dbus${accessList(grant.access)}`];
  if (grant.bus !== undefined) parts.push(`bus=${grant.bus}`);
  if (grant.access.includes('bind') && grant.name !== undefined) parts.push(`name=${quoted(grant.name)}`);
  if (grant.path !== undefined) parts.push(`path=${quoted(grant.path)}`);
  if (grant.interface !== undefined) parts.push(`interface=${quoted(grant.interface)}`);
  if (grant.member !== undefined) parts.push(`member=${quoted(grant.member)}`);
  const peer = [
    ...(grant.peerName !== undefined ? [`name=${quoted(grant.peerName)}`] : []),
    ...(grant.peerLabel !== undefined ? [`label=${quotedList(grant.peerLabel)}`] : []),
  ];
  if (peer.length > 0) parts.push(`peer=(${peer.join(', ')})`);
  return `${parts.join(' ')},`;
}

function peerRule(kind: 'signal' | 'ptrace', grant: PeerGrant): string {
  const set = grant.signal.length > 0 ? ` set=(${grant.signal.join(', ')})` : '';
  const peer = grant.peer !== undefined ? ` peer=${quoted(grant.peer)}` : '';
  return `${kind}${accessList(grant.access)}${set}${peer},`;
}

function unixRule(grant: UnixGrant): string {
  const type = grant.type !== undefined ? ` type=${grant.type}` : '';
  const addr = grant.addr !== undefined ? ` addr=${quotedList(grant.addr)}` : '';
  const peer = grant.peerAddr !== undefined ? ` peer=(addr=${quotedList(grant.peerAddr)})` : '';
  return `unix${accessList(grant.access)}${type}${addr}${peer},`;
}

function mountRule(grant: MountGrant): string {
  const point = grant.mountpoint !== undefined ? ` ${quoted(grant.mountpoint)}` : '';
  if (grant.operation !== 'mount') return `${grant.operation}${point},`;
  const fstype = grant.fstype.length > 0 ? ` fstype=(${grant.fstype.join(', ')})` : '';
  const source = grant.source !== undefined ? ` ${quoted(grant.source)}` : '';
  const arrow = point !== '' ? ` ->${point}` : '';
  return `mount${fstype}${source}${arrow},`;
}

/** One interface's AppArmor rules; template rules bound to plug attributes are left out. */
export function interfaceRules(rule: InterfaceRule, options: { userns?: boolean } = {}): string[] {
  return [
    ...rule.file.filter((grant) => grant.attribute === undefined).flatMap(fileRules),
    ...rule.capability.map((name) => (name === '*' ? 'capability,' : `capability ${name},`)),
    ...rule.network.map(networkRule),
    ...rule.dbus.filter((grant) => grant.attribute === undefined).map(dbusRule),
    ...rule.signal.map((grant) => peerRule('signal', grant)),
    ...rule.ptrace.map((grant) => peerRule('ptrace', grant)),
    ...rule.unix.map(unixRule),
    ...rule.mount.map(mountRule),
    ...(rule.userns ? [options.userns === true ? 'userns,' : '# userns, (needs AppArmor 4)'] : []),
  ];
}

function checkedRule(rule: string): string {
  if (/[\n\r\0]/.test(rule))
    throw new AppArmorProfileError(
      `cannot write an AppArmor profile: an extra rule holds a line break: ${JSON.stringify(rule)}`,
    );
  return rule;
}

export function apparmorProfile(input: AppArmorProfileInput): string {
  const flags = ['attach_disconnected', 'mediate_deleted', ...(input.mode === 'devmode' ? ['complain'] : [])];
  const tag = input.tag;
  if (!/^snap\.[a-z0-9_-]+\.(hook\.)?[A-Za-z0-9-]+$/.test(tag))
    throw new AppArmorProfileError(`cannot write an AppArmor profile: "${tag}" is not a security tag`);
  const body: string[] = [...TEMPLATE_RULES];
  for (const rule of input.interfaces) {
    body.push('', `# interface ${rule.id}`, ...interfaceRules(rule, input));
  }
  const extra = input.extraRules ?? [];
  if (extra.length > 0) body.push('', '# extra rules', ...extra.map(checkedRule));
  return [
    `# AppArmor profile for ${tag} (${input.mode}), written by snappy-debug`,
    '#include <tunables/global>',
    '',
    ...variables(input),
    '',
    `profile "${tag}" flags=(${flags.join(',')}) {`,
    ...body.map((line) => (line === '' ? '' : `  ${line}`)),
    '}',
    '',
  ].join('\n');
}
