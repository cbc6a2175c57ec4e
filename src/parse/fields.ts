/** Small readers for decoded audit field values. */
import type { AuditFields } from './tokenize.js';

const INTEGER = /^-?\d{1,16}$/;

/** A decimal integer field, or undefined when absent or not a number. */
export function intField(fields: AuditFields, key: string): number | undefined {
  const text = fields[key];
  return text !== undefined && INTEGER.test(text) ? Number(text) : undefined;
}

/** A copy without the undefined members, so records compare cleanly and print compactly. */
export function withoutUndefined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const key in value) {
    const member = value[key];
    if (member !== undefined) out[key] = member;
  }
  return out as T;
}

/** Copies the envelope's members (those with a value) into a record being built, in their order. */
export function copyBase(out: Record<string, unknown>, base: object): void {
  const members = base as Record<string, unknown>;
  for (const key in members) {
    const member = members[key];
    if (member !== undefined) out[key] = member;
  }
}

/**
 * The members saying who was denied, right after the base and in the order every builder uses:
 * decision, label, snap, instance, app, hook (each only when known).
 */
export function copyWho(
  out: Record<string, unknown>,
  decision: unknown,
  label: string | undefined,
  snap: { readonly snap?: string; readonly instance?: string } | undefined,
  appOrHook: { readonly app?: string; readonly hook?: string } | undefined,
): void {
  if (decision !== undefined) out.decision = decision;
  if (label !== undefined) out.label = label;
  if (snap?.snap !== undefined) out.snap = snap.snap;
  if (snap?.instance !== undefined) out.instance = snap.instance;
  if (appOrHook?.app !== undefined) out.app = appOrHook.app;
  if (appOrHook?.hook !== undefined) out.hook = appOrHook.hook;
}

/** The members saying which process was denied, in the order the AppArmor and seccomp builders use. */
export function copyProcess(out: Record<string, unknown>, fields: AuditFields): void {
  const pid = intField(fields, 'pid');
  if (pid !== undefined) out.pid = pid;
  if (fields.comm !== undefined) out.comm = fields.comm;
  if (fields.exe !== undefined) out.exe = fields.exe;
  const uid = intField(fields, 'uid');
  if (uid !== undefined) out.uid = uid;
  const auid = intField(fields, 'auid');
  if (auid !== undefined) out.auid = auid;
  const ses = intField(fields, 'ses');
  if (ses !== undefined) out.ses = ses;
}
