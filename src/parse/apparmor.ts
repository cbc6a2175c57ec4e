/**
 * AppArmor record builder: AVC (1400), USER_AVC (1107, D-Bus, record nested in msg='...') and
 * the 2.6-era APPARMOR_* types (1501-1505) into a Denial.
 */
import type { DbusFields, Decision, Denial } from '../model/denial.js';
import { parseSnapLabel } from '../model/label.js';
import { intField, withoutUndefined } from './fields.js';
import { protocolNumber } from './protocols.js';
import type { AuditFields, Tokens } from './tokenize.js';

/** What every record builder receives besides its tokens. */
export type RecordBase = Pick<
  Denial,
  'raw' | 'log' | 'source' | 'time' | 'timeText' | 'auditStamp' | 'auditType' | 'repeat'
>;

export type BuildResult = { readonly denial: Denial } | { readonly problem: string } | undefined;

const DECISIONS: Readonly<Record<string, Decision>> = {
  DENIED: 'DENIED',
  ALLOWED: 'ALLOWED',
  AUDIT: 'AUDIT',
  // KILL: denied, and the task was killed for it.
  KILL: 'DENIED',
};

/** apparmor= values that are not about an access: profile loads, hints, errors. */
const NOT_ACCESS = new Set(['STATUS', 'HINT', 'ERROR']);

/** Decision of records that predate the apparmor= field: it lived in the audit type. */
const DECISION_BY_TYPE: Readonly<Record<string, Decision>> = {
  '1501': 'AUDIT',
  '1502': 'ALLOWED',
  '1503': 'DENIED',
  APPARMOR_AUDIT: 'AUDIT',
  APPARMOR_ALLOWED: 'ALLOWED',
  APPARMOR_DENIED: 'DENIED',
};

type DecisionResult = { readonly decision: Decision } | { readonly problem: string } | undefined;

function decisionOf(fields: AuditFields, auditType: number | string | undefined): DecisionResult {
  const word = fields.apparmor;
  if (word !== undefined) {
    const decision = DECISIONS[word];
    if (decision) return { decision };
    return NOT_ACCESS.has(word) ? undefined : { problem: `unknown apparmor="${word}"` };
  }
  const byType =
    DECISION_BY_TYPE[String(auditType)] ?? (fields.type ? DECISION_BY_TYPE[fields.type] : undefined);
  return byType ? { decision: byType } : undefined;
}

function protocolOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  return /^\d{1,5}$/.test(text) ? Number(text) : protocolNumber(text);
}

/** audit writes `?` for "not known" (USER_AVC's trailing addr=?). */
function known(value: string | undefined): string | undefined {
  return value === '?' ? undefined : value;
}

function dbusOf(fields: AuditFields): DbusFields {
  return withoutUndefined({
    bus: fields.bus,
    path: fields.path,
    interface: fields.interface,
    member: fields.member ?? fields.method,
    name: fields.name,
    mask: fields.mask,
  });
}

/** Builds the Denial for an AppArmor record; undefined for records that are not accesses (STATUS). */
export function buildAppArmor(base: RecordBase, tokens: Tokens): BuildResult {
  // USER_AVC: the outer fields describe dbus-daemon; the access is the nested msg='...'.
  const fields =
    tokens.nested && tokens.nested.fields.apparmor !== undefined ? tokens.nested.fields : tokens.fields;
  const decided = decisionOf(fields, base.auditType);
  if (decided === undefined) return undefined;
  if ('problem' in decided) return decided;
  if (tokens.problem !== undefined) return { problem: tokens.problem };
  const operation = fields.operation;
  if (operation === undefined) return { problem: 'AppArmor record without operation=' };

  const isDbus = operation.startsWith('dbus_') || fields.bus !== undefined;
  const isCapability = operation === 'capable';
  const label = fields.label ?? fields.profile;
  const snap = parseSnapLabel(label);

  const denial: Denial = withoutUndefined({
    kind: 'apparmor',
    ...base,
    decision: decided.decision,
    label,
    snap: snap?.snap,
    instance: snap?.instance,
    app: snap?.app,
    hook: snap?.hook,
    operation,
    class: fields.class,
    info: fields.info,
    error: intField(fields, 'error'),
    path: isDbus || isCapability ? undefined : fields.name,
    target: fields.target ?? fields.name2,
    requestedMask: fields.requested_mask ?? fields.requested,
    deniedMask: fields.denied_mask ?? fields.denied,
    fsuid: intField(fields, 'fsuid'),
    ouid: intField(fields, 'ouid'),
    capability: intField(fields, 'capability'),
    capname: fields.capname ?? (isCapability ? fields.name : undefined),
    family: fields.family,
    sockType: fields.sock_type,
    protocol: protocolOf(fields.protocol),
    signal: fields.signal,
    peer: fields.peer,
    peerLabel: fields.peer_label ?? fields.peer_profile ?? fields.tcontext,
    peerPid: intField(fields, 'peer_pid'),
    namespace: fields.namespace,
    fstype: fields.fstype,
    srcname: fields.srcname,
    flags: fields.flags,
    addr: known(fields.addr),
    peerAddr: known(fields.peer_addr),
    dbus: isDbus ? dbusOf(fields) : undefined,
    pid: intField(fields, 'pid'),
    comm: fields.comm,
    exe: fields.exe,
    uid: intField(fields, 'uid'),
    auid: intField(fields, 'auid'),
    ses: intField(fields, 'ses'),
    fields,
  });
  return { denial };
}
