/**
 * Finds the audit record inside a message and names its family from the audit type.
 *
 * Envelopes: `type=1400 audit(S.MMM:N): body` (kernel printk), `type=AVC msg=audit(S.MMM:N): body`
 * (audit.log), `audit(S.MMM:N): type=1503 body` (2.6-era kernels), `AVC body` / `SECCOMP body` /
 * `USER_AVC body` (journald's audit transport in short output), a bare `apparmor="..." body`
 * (dbus-daemon's own syslog lines) and `type=DEVICE_CGROUP audit(...): body` (our launcher).
 */

export type RecordFamily = 'apparmor' | 'seccomp' | 'cgroup';

export interface AuditStamp {
  readonly seconds: number;
  readonly millis: number;
  readonly serial: number;
}

export interface Envelope {
  readonly family: RecordFamily;
  readonly auditType?: number | string;
  readonly auditStamp?: AuditStamp;
  /** The record after its envelope: what snappy-debug prints after `Log:`. */
  readonly body: string;
}

export type EnvelopeResult = Envelope | { readonly problem: string } | undefined;

const APPARMOR_TYPE_NAMES: ReadonlySet<string> = new Set(['AVC', 'USER_AVC']);
const SECCOMP_TYPE_NAMES: ReadonlySet<string> = new Set(['SECCOMP']);
const CGROUP_TYPE = 'DEVICE_CGROUP';
const LEADING_TYPE_WORD = /^(AVC|USER_AVC|SECCOMP|APPARMOR_[A-Z]{1,12}|DEVICE_CGROUP) (?=[a-z_]{1,20}=)/;
const STAMP = /^audit\((\d{1,12})\.(\d{1,3}):(\d{1,20})\): ?/;

/** 'apparmor', 'seccomp', 'cgroup' or undefined for a type written as number or name. */
export function familyOfType(type: number | string): RecordFamily | undefined {
  if (typeof type === 'number') {
    if (type === 1400 || type === 1107 || (type >= 1500 && type <= 1599)) return 'apparmor';
    if (type === 1326) return 'seccomp';
    return undefined;
  }
  if (APPARMOR_TYPE_NAMES.has(type) || type.startsWith('APPARMOR')) return 'apparmor';
  if (SECCOMP_TYPE_NAMES.has(type)) return 'seccomp';
  if (type === CGROUP_TYPE) return 'cgroup';
  return undefined;
}

const TYPE_NUMBER = /^\d{1,6}$/;
const UNKNOWN_TYPE = /^UNKNOWN\[(\d{1,6})\]$/;
const LEADING_TYPE_FIELD = /^type=(\d{1,6}) /;

/** 1400 for "1400" and "UNKNOWN[1400]", the name itself for "AVC". */
export function auditTypeOf(text: string): number | string {
  if (TYPE_NUMBER.test(text)) return Number(text);
  const unknown = UNKNOWN_TYPE.exec(text);
  return unknown ? Number(unknown[1]) : text;
}

/** The `type=` word written just before `audit(` (`type=1400 ` or `type=AVC msg=`). */
function typeBefore(message: string, stampAt: number): string | undefined {
  const typeAt = message.lastIndexOf('type=', stampAt);
  if (typeAt < 0 || stampAt - typeAt > 40) return undefined;
  let between = message.slice(typeAt + 5, stampAt);
  if (between.endsWith('msg=')) between = between.slice(0, -4);
  between = between.trimEnd();
  return between.length > 0 && !between.includes(' ') ? between : undefined;
}

/** The leading `type=NNNN ` inside an old-style body (`audit(...): type=1503 operation=...`). */
function leadingTypeField(body: string): string | undefined {
  const m = LEADING_TYPE_FIELD.exec(body);
  return m ? m[1] : undefined;
}

function withStamp(message: string, stampAt: number): EnvelopeResult {
  const m = STAMP.exec(stampAt === 0 ? message : message.slice(stampAt));
  if (!m) return { problem: 'malformed audit(SECONDS.MILLIS:SERIAL) stamp' };
  const auditStamp: AuditStamp = {
    seconds: Number(m[1]),
    millis: Number(m[2]!.padEnd(3, '0')),
    serial: Number(m[3]),
  };
  const body = message.slice(stampAt + m[0].length).trimStart();
  const typeText = typeBefore(message, stampAt) ?? leadingTypeField(body);
  if (typeText === undefined) {
    return body.includes('apparmor="') ? { family: 'apparmor', auditStamp, body } : undefined;
  }
  const auditType = auditTypeOf(typeText);
  const family = familyOfType(auditType);
  return family ? { family, auditType, auditStamp, body } : undefined;
}

/**
 * Locates the record in a prefix-free message. Undefined when the message holds no AppArmor,
 * seccomp or cgroup record; `{problem}` when it holds one whose envelope is malformed.
 */
export function findRecord(message: string): EnvelopeResult {
  const stampAt = message.indexOf('audit(');
  if (stampAt >= 0) return withStamp(message, stampAt);

  let text = message.trimStart();
  if (text.startsWith('audit: ')) text = text.slice(7);
  const leading = LEADING_TYPE_WORD.exec(text);
  if (leading) {
    const auditType = leading[1]!;
    return { family: familyOfType(auditType)!, auditType, body: text.slice(leading[0].length) };
  }
  const typeAt = text.indexOf('type=');
  if (typeAt >= 0 && text.startsWith(`type=${CGROUP_TYPE} `, typeAt)) {
    return { family: 'cgroup', auditType: CGROUP_TYPE, body: text.slice(typeAt + CGROUP_TYPE.length + 6) };
  }
  if (typeAt >= 0) {
    const typeEnd = text.indexOf(' ', typeAt);
    const type = auditTypeOf(text.slice(typeAt + 5, typeEnd < 0 ? undefined : typeEnd));
    const family = familyOfType(type);
    if (family === 'seccomp') return { family, auditType: type, body: text.slice(typeEnd + 1) };
  }
  const apparmorAt = text.indexOf('apparmor="');
  if (apparmorAt >= 0) return { family: 'apparmor', body: text.slice(apparmorAt) };
  return undefined;
}
