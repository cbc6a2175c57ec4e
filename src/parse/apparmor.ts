/**
 * AppArmor record builder: AVC (1400), USER_AVC (1107, D-Bus, record nested in msg='...') and
 * the 2.6-era APPARMOR_* types (1501-1505) into a Denial.
 */
import type { DbusFields, Decision, Denial } from '../model/denial.js';
import { snapLabelOf } from './label-cache.js';
import { copyBase, copyProcess, copyWho, intField } from './fields.js';
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

const PROTOCOL_NUMBER = /^\d{1,5}$/;

function protocolOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  return PROTOCOL_NUMBER.test(text) ? Number(text) : protocolNumber(text);
}

/** audit writes `?` for "not known" (USER_AVC's trailing addr=?). */
function known(value: string | undefined): string | undefined {
  return value === '?' ? undefined : value;
}

/** The D-Bus members that were logged, in this order. */
function dbusOf(fields: AuditFields): DbusFields {
  const dbus: { -readonly [K in keyof DbusFields]: DbusFields[K] } = {};
  if (fields.bus !== undefined) dbus.bus = fields.bus;
  if (fields.path !== undefined) dbus.path = fields.path;
  if (fields.interface !== undefined) dbus.interface = fields.interface;
  const member = fields.member ?? fields.method;
  if (member !== undefined) dbus.member = member;
  if (fields.name !== undefined) dbus.name = fields.name;
  if (fields.mask !== undefined) dbus.mask = fields.mask;
  return dbus;
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
  const snap = snapLabelOf(label);

  // Member by member from {} in one fixed order, skipping undefined: one hidden class per kind,
  // and no literal full of undefined members built only to be copied.
  const denial: Record<string, unknown> = {};
  let value: unknown;
  denial.kind = 'apparmor';
  copyBase(denial, base);
  copyWho(denial, decided.decision, label, snap, snap);
  if (operation !== undefined) denial.operation = operation;
  value = fields.class;
  if (value !== undefined) denial.class = value;
  value = fields.info;
  if (value !== undefined) denial.info = value;
  value = intField(fields, 'error');
  if (value !== undefined) denial.error = value;
  value = isDbus || isCapability ? undefined : fields.name;
  if (value !== undefined) denial.path = value;
  value = fields.target ?? fields.name2;
  if (value !== undefined) denial.target = value;
  value = fields.requested_mask ?? fields.requested;
  if (value !== undefined) denial.requestedMask = value;
  value = fields.denied_mask ?? fields.denied;
  if (value !== undefined) denial.deniedMask = value;
  value = intField(fields, 'fsuid');
  if (value !== undefined) denial.fsuid = value;
  value = intField(fields, 'ouid');
  if (value !== undefined) denial.ouid = value;
  value = intField(fields, 'capability');
  if (value !== undefined) denial.capability = value;
  value = fields.capname ?? (isCapability ? fields.name : undefined);
  if (value !== undefined) denial.capname = value;
  value = fields.family;
  if (value !== undefined) denial.family = value;
  value = fields.sock_type;
  if (value !== undefined) denial.sockType = value;
  value = protocolOf(fields.protocol);
  if (value !== undefined) denial.protocol = value;
  value = fields.signal;
  if (value !== undefined) denial.signal = value;
  value = fields.peer;
  if (value !== undefined) denial.peer = value;
  value = fields.peer_label ?? fields.peer_profile ?? fields.tcontext;
  if (value !== undefined) denial.peerLabel = value;
  value = intField(fields, 'peer_pid');
  if (value !== undefined) denial.peerPid = value;
  value = fields.namespace;
  if (value !== undefined) denial.namespace = value;
  value = fields.fstype;
  if (value !== undefined) denial.fstype = value;
  value = fields.srcname;
  if (value !== undefined) denial.srcname = value;
  value = fields.flags;
  if (value !== undefined) denial.flags = value;
  value = known(fields.addr);
  if (value !== undefined) denial.addr = value;
  value = known(fields.peer_addr);
  if (value !== undefined) denial.peerAddr = value;
  value = isDbus ? dbusOf(fields) : undefined;
  if (value !== undefined) denial.dbus = value;
  copyProcess(denial, fields);
  denial.fields = fields;
  return { denial: denial as unknown as Denial };
}
