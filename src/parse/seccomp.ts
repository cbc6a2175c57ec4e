/**
 * seccomp record builder (type=1326 / SECCOMP): `auid uid gid ses subj pid comm exe sig arch
 * syscall compat ip code`. The syscall name and libseccomp arch are left to enrichment.
 */
import type { Decision, Denial } from '../model/denial.js';
import { snapFromExe } from '../model/label.js';
import { snapLabelOf } from './label-cache.js';
import type { BuildResult, RecordBase } from './apparmor.js';
import { copyBase, copyProcess, copyWho, intField } from './fields.js';
import type { Tokens } from './tokenize.js';

/** SECCOMP_RET_* action values (the high 16 bits of code=). */
const ACTIONS: ReadonlyMap<number, { readonly action: string; readonly decision: Decision }> = new Map([
  [0x80000000, { action: 'kill_process', decision: 'DENIED' }],
  [0x00000000, { action: 'kill_thread', decision: 'DENIED' }],
  [0x00030000, { action: 'trap', decision: 'DENIED' }],
  [0x00050000, { action: 'errno', decision: 'DENIED' }],
  [0x7fc00000, { action: 'user_notif', decision: 'AUDIT' }],
  [0x7ff00000, { action: 'trace', decision: 'AUDIT' }],
  [0x7ffc0000, { action: 'log', decision: 'ALLOWED' }],
  [0x7fff0000, { action: 'allow', decision: 'AUDIT' }],
]);

const ACTION_MASK = 0xffff0000;
const DATA_MASK = 0x0000ffff;
const HEX_CODE = /^0x[0-9a-fA-F]{1,8}$/;
const AUDIT_ARCH = /^[0-9a-fA-F]{1,8}$/;
const MODE_SUFFIX = / \([a-z_]{1,20}\)$/;

/** Decodes code= into the action name, its decision and (for errno) the errno value. */
export function decodeSeccompCode(code: string): {
  action?: string;
  decision?: Decision;
  actionData?: number;
} {
  if (!HEX_CODE.test(code)) return {};
  const value = Number.parseInt(code.slice(2), 16) >>> 0;
  const known = ACTIONS.get((value & ACTION_MASK) >>> 0);
  if (!known) return {};
  return known.action === 'errno' ? { ...known, actionData: value & DATA_MASK } : { ...known };
}

type DecodedCode = Readonly<ReturnType<typeof decodeSeccompCode>>;
const NOT_DECODED: DecodedCode = Object.freeze({});
const decodedCodes = new Map<string, DecodedCode>();

/** decodeSeccompCode remembered by code= text (a log holds a handful); the builder only reads it. */
function decodedCode(code: string): DecodedCode {
  let decoded = decodedCodes.get(code);
  if (decoded === undefined) {
    decoded = Object.freeze(decodeSeccompCode(code));
    if (decodedCodes.size >= 256) decodedCodes.clear();
    if (code.length <= 32) decodedCodes.set(code, decoded);
  }
  return decoded;
}

/** Builds the Denial for a seccomp record. */
export function buildSeccomp(base: RecordBase, tokens: Tokens): BuildResult {
  const { fields } = tokens;
  if (tokens.problem !== undefined) return { problem: tokens.problem };
  const number = intField(fields, 'syscall');
  if (number === undefined || number < 0) return { problem: 'seccomp record without a numeric syscall=' };
  const auditArch = fields.arch;
  if (auditArch === undefined || !AUDIT_ARCH.test(auditArch)) {
    return { problem: 'seccomp record without a hex arch=' };
  }
  const compat = intField(fields, 'compat');
  const code = fields.code;
  const decoded = code !== undefined ? decodedCode(code) : NOT_DECODED;

  const subject = fields.subj;
  const label = subject && subject !== '?' ? subject.replace(MODE_SUFFIX, '') : undefined;
  const fromLabel = snapLabelOf(label);
  const fromExe = fromLabel ? undefined : snapFromExe(fields.exe);
  const snap = fromLabel ?? fromExe;

  // Member by member from {} in one fixed order, skipping undefined: one hidden class per kind,
  // and no literal full of undefined members built only to be copied.
  const denial: Record<string, unknown> = {};
  let value: unknown;
  denial.kind = 'seccomp';
  copyBase(denial, base);
  copyWho(denial, decoded.decision, label, snap, fromLabel);
  const syscall: { number: number; auditArch: string; compat?: number } = {
    number,
    auditArch: auditArch.toLowerCase(),
  };
  if (compat !== undefined) syscall.compat = compat;
  denial.syscall = syscall;
  value = decoded.action;
  if (value !== undefined) denial.action = value;
  value = decoded.actionData;
  if (value !== undefined) denial.actionData = value;
  if (code !== undefined) denial.code = code;
  value = intField(fields, 'sig');
  if (value !== undefined) denial.sig = value;
  copyProcess(denial, fields);
  value = fields.ip;
  if (value !== undefined) denial.ip = value;
  denial.fields = fields;
  return { denial: denial as unknown as Denial };
}
