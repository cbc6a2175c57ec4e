import type {
  AdviceCondition,
  AdviceRule,
  DbusGrant,
  DeviceGrant,
  FileGrant,
  InterfaceRule,
  MountGrant,
  NetworkGrant,
  PeerGrant,
  SeccompGrant,
  UnixGrant,
  SlotProvider,
} from './rules.js';

/**
 * Turns parsed YAML (already schema-checked, but possibly carrying fields this version does not
 * know) into rule objects. Unknown fields are ignored; wrong shapes become clear errors.
 */

type Obj = Record<string, unknown>;

export class RuleDataError extends Error {}

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** A string, a list of strings, or an AppArmor-style "(send, receive)" set, as a list. */
export function words(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  return items
    .flatMap((item) => (str(item) ?? '').replace(/[(),]/g, ' ').split(/\s+/))
    .filter((w) => w.length > 0);
}

function list(value: unknown): Obj[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObj);
}

/** `rw`, `rwk`, `ix`, `Px`, `mr` → canonical letters (exec modes become x). */
export function normalisePerms(perms: string): string {
  const letters = new Set<string>();
  for (const ch of perms.replace(/[iupcPUC]x/g, 'x')) {
    if ('rwacdxmkl'.includes(ch)) letters.add(ch);
  }
  return [...letters].join('');
}

function fileGrants(value: unknown): FileGrant[] {
  return list(value).flatMap((rule) => {
    const path = str(rule.path);
    if (!path) return [];
    const attribute = str(rule.attribute);
    return [
      {
        path,
        perms: normalisePerms(str(rule.perms) ?? ''),
        owner: rule.owner === true,
        ...(attribute ? { attribute } : {}),
      },
    ];
  });
}

function network(value: unknown): NetworkGrant[] {
  return list(value).map((rule) => ({
    ...(str(rule.family) ? { family: str(rule.family)! } : {}),
    ...(str(rule.type) ? { type: str(rule.type)! } : {}),
  }));
}

function optional<K extends string>(key: K, value: unknown): Partial<Record<K, string>> {
  const s = str(value);
  return s === undefined ? {} : ({ [key]: s } as Record<K, string>);
}

/** `{plasmashell unconfined}` (space-separated, as AppArmor's peer=(label=...) lists appear in some data) → `{plasmashell,unconfined}`. */
function braceList(value: string | undefined): string | undefined {
  return value?.replace(
    /\{([^{}]*)\}/g,
    (_, body: string) =>
      `{${body
        .trim()
        .split(/[\s,]+/)
        .join(',')}}`,
  );
}

function dbus(value: unknown): DbusGrant[] {
  return list(value).map((rule) => ({
    ...optional('bus', rule.bus),
    ...optional('path', rule.path),
    ...optional('interface', rule.interface),
    ...optional('member', rule.member),
    ...optional('name', rule.name),
    ...optional('peerName', rule.peer_name ?? rule.peerName),
    ...optional('peerLabel', braceList(str(rule.peer_label ?? rule.peerLabel ?? rule.label))),
    access: words(rule.access),
    ...optional('attribute', rule.attribute),
  }));
}

function peers(value: unknown): PeerGrant[] {
  return list(value).map((rule) => ({
    access: words(rule.access),
    signal: words(rule.signal),
    ...optional('peer', rule.peer),
  }));
}

function unix(value: unknown): UnixGrant[] {
  return list(value).map((rule) => ({
    ...optional('type', rule.type),
    ...optional('addr', rule.addr),
    ...optional('peerAddr', rule.peer_addr ?? rule.peerAddr),
    access: words(rule.access),
  }));
}

function mount(value: unknown): MountGrant[] {
  return list(value).map((rule) => ({
    operation: str(rule.operation) ?? 'mount',
    fstype: words(rule.fstype),
    ...optional('mountpoint', rule.mountpoint),
    ...optional('source', rule.source),
  }));
}

function seccomp(value: unknown): SeccompGrant[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    const line = str(item)?.trim();
    if (!line || line.startsWith('#')) return [];
    const [syscall, ...args] = line.split(/\s+/);
    return syscall ? [{ line, syscall, args }] : [];
  });
}

function devices(value: unknown): DeviceGrant[] {
  return list(value).map((rule) => ({
    ...optional('kernel', rule.kernel),
    ...optional('subsystem', rule.subsystem),
  }));
}

const SLOT_PROVIDERS: readonly SlotProvider[] = ['system', 'gadget', 'app', 'core'];

function slotProvider(value: unknown): SlotProvider {
  return SLOT_PROVIDERS.find((p) => p === value) ?? 'system';
}

/** The slot-side rules as a rule of their own, so the plug matchers can test them. */
function providerRule(data: Record<string, unknown>, id: string, origin: string): InterfaceRule | undefined {
  if (!isObj(data.slot_apparmor)) return undefined;
  const { file, dbus } = data.slot_apparmor;
  return toInterfaceRule(
    { id, summary: data.summary, implicit_slot: 'app', apparmor: { file, dbus } },
    origin,
  );
}

export function toInterfaceRule(data: unknown, origin: string): InterfaceRule {
  if (!isObj(data)) throw new RuleDataError(`${origin}: not a mapping`);
  const id = str(data.id);
  if (!id) throw new RuleDataError(`${origin}: missing id`);
  const apparmor = isObj(data.apparmor) ? data.apparmor : {};
  const rule = {
    id,
    summary: str(data.summary) ?? '',
    autoConnect: data.auto_connect === true,
    needsReview: data.needs_review === true,
    implicitSlot: slotProvider(data.implicit_slot),
    attributes: words(data.attributes),
    file: fileGrants(apparmor.file),
    capability: words(apparmor.capability),
    network: network(apparmor.network),
    dbus: dbus(apparmor.dbus),
    signal: peers(apparmor.signal),
    ptrace: peers(apparmor.ptrace),
    unix: unix(apparmor.unix),
    mount: mount(apparmor.mount),
    userns: apparmor.userns === true,
    seccomp: seccomp(data.seccomp),
    devices: devices(data.devices),
    origin,
  };
  const grantCount =
    rule.file.length +
    rule.capability.length * 4 +
    rule.network.length +
    rule.dbus.length +
    rule.signal.length +
    rule.ptrace.length +
    rule.unix.length +
    rule.mount.length * 4 +
    (rule.userns ? 4 : 0) +
    rule.seccomp.length +
    rule.devices.length;
  const provider = providerRule(data, id, origin);
  return provider ? { ...rule, grantCount, providerRule: provider } : { ...rule, grantCount };
}

function wordList(value: unknown): string[] | undefined {
  return value === undefined ? undefined : words(value);
}

/** A string or a list of strings, kept whole (globs contain commas). */
function strings(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value : [value]).map((v) => str(v)).filter((v): v is string => !!v);
}

function condition(data: Obj): AdviceCondition {
  const globs = strings;
  const entries: [keyof AdviceCondition, unknown][] = [
    ['kind', wordList(data.kind)],
    ['class', wordList(data.class)],
    ['operation', wordList(data.operation)],
    ['path', globs(data.path)],
    ['notPath', globs(data.not_path)],
    ['mask', str(data.mask)],
    ['maskOnly', str(data.mask_only)],
    ['syscall', wordList(data.syscall)],
    ['capability', wordList(data.capability)],
    ['family', wordList(data.family)],
    ['sockType', wordList(data.sock_type)],
    ['peer', globs(data.peer)],
    ['dbusInterface', globs(data.dbus_interface)],
    ['snapLabel', typeof data.snap_label === 'boolean' ? data.snap_label : undefined],
    ['samePeerSnap', typeof data.same_peer_snap === 'boolean' ? data.same_peer_snap : undefined],
    ['noInterface', typeof data.no_interface === 'boolean' ? data.no_interface : undefined],
    ['noOwnInterface', typeof data.no_own_interface === 'boolean' ? data.no_own_interface : undefined],
    ['owner', typeof data.owner === 'boolean' ? data.owner : undefined],
  ];
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined)) as AdviceCondition;
}

export function toAdviceRule(data: unknown, origin: string): AdviceRule {
  if (!isObj(data)) throw new RuleDataError(`${origin}: not a mapping`);
  const id = str(data.id);
  const text = str(data.text);
  if (!id || !text) throw new RuleDataError(`${origin}: advice needs id and text`);
  return {
    id,
    summary: str(data.summary) ?? '',
    text,
    when: condition(isObj(data.when) ? data.when : {}),
    priority: typeof data.priority === 'number' ? data.priority : 0,
    exclusive: data.exclusive === true,
    origin,
  };
}
