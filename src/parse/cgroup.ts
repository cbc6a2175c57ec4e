/**
 * Device-cgroup denials. The kernel does not log them, so our launcher does, one line per refused
 * (or, in devmode, merely reported) device access, in an audit-like form that goes through the same
 * parser as the kernel's records:
 *
 *   snappy-debug-confine: type=DEVICE_CGROUP audit(1700000000.123:7): decision="DENIED"
 *     label="snap.foo.app" pid=123 comm="cat" dev_type=c major=1 minor=11 name="/dev/kmsg" access="rw"
 *
 * (one line; wrapped here). Rules:
 * - the tag `snappy-debug-confine: ` comes first; a syslog/journal prefix may precede it;
 * - `audit(SECONDS.MILLIS:SERIAL): ` is optional; SERIAL counts the launcher's own lines;
 * - decision is DENIED (strict: the access failed) or ALLOWED (devmode: it would have failed);
 * - label, comm and name are written like the kernel writes untrusted strings: in double quotes
 *   when they hold only printable ASCII other than `"`, else as upper-case hex without quotes;
 * - dev_type is c or b, major/minor decimal, access one or more of r, w, m; name is optional.
 */
import type { DeviceFields, Denial } from '../model/denial.js';
import { snapLabelOf } from './label-cache.js';
import type { BuildResult, RecordBase } from './apparmor.js';
import { copyBase, copyWho, intField, withoutUndefined } from './fields.js';
import { encodeAuditValue } from './hex.js';
import type { Tokens } from './tokenize.js';

export const CGROUP_TAG = 'snappy-debug-confine';
export const CGROUP_AUDIT_TYPE = 'DEVICE_CGROUP';

export interface CgroupDenialLine {
  readonly decision: 'DENIED' | 'ALLOWED';
  /** Security tag of the app or hook (snap.NAME.APP). */
  readonly label: string;
  readonly pid: number;
  readonly comm?: string;
  readonly device: DeviceFields;
  /** When the access happened; without it the line has no audit(...) stamp. */
  readonly at?: Date;
  readonly serial?: number;
}

const ACCESS = /^[rwm]{1,3}$/;

/** The one line the launcher writes for a device-cgroup denial. */
export function formatCgroupDenialLine(line: CgroupDenialLine): string {
  const { device } = line;
  if (!ACCESS.test(device.access)) throw new RangeError(`cannot format device access "${device.access}"`);
  const parts = [`${CGROUP_TAG}: type=${CGROUP_AUDIT_TYPE}`];
  if (line.at) {
    const millis = line.at.getTime();
    const stamp = `${Math.floor(millis / 1000)}.${String(millis % 1000).padStart(3, '0')}`;
    parts.push(`audit(${stamp}:${line.serial ?? 0}):`);
  }
  parts.push(`decision="${line.decision}"`, `label=${encodeAuditValue(line.label)}`, `pid=${line.pid}`);
  if (line.comm !== undefined) parts.push(`comm=${encodeAuditValue(line.comm)}`);
  parts.push(`dev_type=${device.type}`, `major=${device.major}`, `minor=${device.minor}`);
  if (device.name !== undefined) parts.push(`name=${encodeAuditValue(device.name)}`);
  parts.push(`access="${device.access}"`);
  return parts.join(' ');
}

/** Builds the Denial for a DEVICE_CGROUP line. */
export function buildCgroup(base: RecordBase, tokens: Tokens): BuildResult {
  const { fields } = tokens;
  if (tokens.problem !== undefined) return { problem: tokens.problem };
  const decision = fields.decision;
  if (decision !== 'DENIED' && decision !== 'ALLOWED')
    return { problem: 'DEVICE_CGROUP line without decision=' };
  const devType = fields.dev_type;
  const type = devType === 'c' || devType === 'b' ? devType : undefined;
  const major = intField(fields, 'major');
  const minor = intField(fields, 'minor');
  const access = fields.access;
  if (type === undefined || major === undefined || minor === undefined) {
    return { problem: 'DEVICE_CGROUP line without dev_type=, major= and minor=' };
  }
  if (access === undefined || !ACCESS.test(access)) return { problem: 'DEVICE_CGROUP line without access=' };
  const label = fields.label;
  const snap = snapLabelOf(label);
  const device: DeviceFields = withoutUndefined({ type, major, minor, name: fields.name, access });
  // Member by member from {} in one fixed order, skipping undefined: one hidden class per kind,
  // and no literal full of undefined members built only to be copied.
  const denial: Record<string, unknown> = {};
  let value: unknown;
  denial.kind = 'cgroup';
  copyBase(denial, base);
  copyWho(denial, decision, label, snap, snap);
  value = fields.name;
  if (value !== undefined) denial.path = value;
  if (device !== undefined) denial.device = device;
  value = intField(fields, 'pid');
  if (value !== undefined) denial.pid = value;
  value = fields.comm;
  if (value !== undefined) denial.comm = value;
  denial.fields = fields;
  return { denial: denial as unknown as Denial };
}
