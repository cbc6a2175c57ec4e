import type { Decision, Denial, SourceName } from '../model/denial.js';

function shared(value: string | undefined, intern: (text: string) => string): string | undefined {
  return value === undefined ? undefined : intern(value);
}

/** `log` as a slice of `raw` when it is its tail, so the line's characters are kept once. */
function logOf(d: Denial): string {
  const { raw, log } = d;
  return log.length < raw.length && raw.endsWith(log) ? raw.slice(raw.length - log.length) : log;
}

/**
 * Members the UI never reads from a kept record: the group has its own times and occurrences, and
 * the detail pane lists neither these nor `fields` (every key=value again, as separate strings).
 */
type NotKept =
  'fields' | 'time' | 'timeText' | 'auditStamp' | 'auditType' | 'sig' | 'ses' | 'ip' | 'repeat' | 'peerPid';

/** Every other member, none optional: a member added to Denial and not copied fails to compile. */
type EveryMember = { [K in Exclude<keyof Denial, NotKept>]: Denial[K] };

function everyMember(d: Denial, intern: (text: string) => string): EveryMember {
  return {
    kind: d.kind,
    source: d.source === undefined ? undefined : (intern(d.source) as SourceName),
    log: logOf(d),
    raw: d.raw,
    decision: d.decision === undefined ? undefined : (intern(d.decision) as Decision),
    label: shared(d.label, intern),
    snap: shared(d.snap, intern),
    instance: shared(d.instance, intern),
    app: shared(d.app, intern),
    hook: shared(d.hook, intern),
    operation: shared(d.operation, intern),
    class: shared(d.class, intern),
    info: shared(d.info, intern),
    error: d.error,
    path: d.path,
    target: d.target,
    requestedMask: shared(d.requestedMask, intern),
    deniedMask: shared(d.deniedMask, intern),
    fsuid: d.fsuid,
    ouid: d.ouid,
    capability: d.capability,
    capname: shared(d.capname, intern),
    family: shared(d.family, intern),
    sockType: shared(d.sockType, intern),
    protocol: d.protocol,
    signal: d.signal,
    peer: d.peer,
    peerLabel: d.peerLabel,
    namespace: d.namespace,
    fstype: shared(d.fstype, intern),
    srcname: d.srcname,
    flags: shared(d.flags, intern),
    addr: d.addr,
    peerAddr: d.peerAddr,
    dbus: d.dbus,
    syscall: d.syscall,
    device: d.device,
    action: shared(d.action, intern),
    actionData: d.actionData,
    code: shared(d.code, intern),
    pid: d.pid,
    comm: shared(d.comm, intern),
    exe: shared(d.exe, intern),
    uid: d.uid,
    auid: d.auid,
    suggestions: d.suggestions,
  };
}

function definedMembers(copy: EveryMember): Denial {
  const kept: Record<string, unknown> = {};
  for (const key in copy) {
    const value = copy[key as keyof EveryMember];
    if (value !== undefined) kept[key] = value;
  }
  return kept as unknown as Denial;
}

/**
 * The record a group keeps as its newest sample: every member the detail pane, the filter and the
 * report read (see NotKept for those left out); short repeated names are shared through `intern`.
 * Only the members the record has are kept: a file denial has some twenty of the forty-six, and
 * 100,000 groups keep one record each (a slot costs 8 bytes whether it holds a value or not).
 */
export function compactDenial(d: Denial, intern: (text: string) => string): Denial {
  return definedMembers(everyMember(d, intern));
}

/**
 * The kept record updated to `d`: overwritten in place when `d` has the same members (a group's
 * events usually do), else a new compact copy. The kept record is old by the time its group
 * repeats; replacing it every time would leave a million old objects for the major collector.
 */
export function refreshedDenial(kept: Denial, d: Denial, intern: (text: string) => string): Denial {
  const copy = everyMember(d, intern);
  const slots = kept as unknown as Record<string, unknown>;
  for (const key in copy) {
    if ((copy[key as keyof EveryMember] === undefined) === key in slots) return definedMembers(copy);
  }
  for (const key in copy) {
    const value = copy[key as keyof EveryMember];
    if (value !== undefined) slots[key] = value;
  }
  return kept;
}
