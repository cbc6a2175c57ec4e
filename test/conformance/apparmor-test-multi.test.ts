// libapparmor's own log-parser cases (../shared/conformance/apparmor-test_multi, see its README):
// every NAME.in goes through parseLine and every field libapparmor prints in NAME.out is compared
// with ours, both ways (a field we extract that libapparmor does not print is a failure too).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Denial } from '../../src/model/denial.js';
import { parseLine, protocolName } from '../../src/parse/index.js';

const CASES_DIR = new URL('../../../shared/conformance/apparmor-test_multi/', import.meta.url).pathname;

/** Cases where we knowingly differ from libapparmor, with the reason. Empty labels: whole case. */
const EXCEPTIONS: ReadonlyMap<string, { readonly labels: readonly string[]; readonly reason: string }> =
  new Map();

const DENIAL_EVENTS: Readonly<Record<string, Denial['decision']>> = {
  AA_RECORD_DENIED: 'DENIED',
  AA_RECORD_ALLOWED: 'ALLOWED',
  AA_RECORD_AUDIT: 'AUDIT',
};

/** libapparmor prints numbers only when non-zero. */
function nonZero(text: string | undefined): string | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return text;
  return Number(text) === 0 ? undefined : String(Number(text));
}

function unlessNone(text: string | undefined): string | undefined {
  return text === 'none' ? undefined : text;
}

/** Our denial, written with libapparmor's .out labels. */
function asLibapparmor(d: Denial): Map<string, string> {
  const f = d.fields ?? {};
  const stamp = d.auditStamp;
  const protocol =
    d.protocol === undefined ? undefined : (protocolName(d.protocol) ?? `unknown(${d.protocol})`);
  const entries: [string, string | number | undefined][] = [
    ['Event type', `AA_RECORD_${d.decision}`],
    ['Audit ID', stamp && `${stamp.seconds}.${String(stamp.millis).padStart(3, '0')}:${stamp.serial}`],
    ['Operation', d.operation],
    ['Mask', d.requestedMask],
    ['Denied Mask', d.deniedMask ?? d.dbus?.mask],
    ['fsuid', d.fsuid],
    ['ouid', d.ouid],
    ['Profile', d.label],
    ['Peer profile', d.peerLabel],
    ['Peer', d.peer],
    ['Name', d.dbus?.name ?? d.capname ?? d.path],
    ['Command', d.comm ?? d.exe],
    ['Name2', d.target],
    ['Namespace', d.namespace],
    ['Attribute', f.attribute],
    ['Task', nonZero(f.task)],
    ['Parent', nonZero(f.parent)],
    ['Token', nonZero(f.magic_token)],
    ['Info', d.info],
    ['ErrorCode', d.error === undefined ? undefined : Math.abs(d.error)],
    ['PID', d.pid],
    ['Peer PID', d.peerPid],
    ['Net Addr', unlessNone(d.addr)],
    ['Peer Addr', unlessNone(d.peerAddr)],
    ['Network family', d.family],
    ['Socket type', d.sockType],
    ['Protocol', protocol],
    ['Local addr', f.laddr ?? f.saddr],
    ['Foreign addr', f.faddr ?? f.daddr],
    ['Local port', nonZero(f.lport ?? f.src)],
    ['Foreign port', nonZero(f.fport ?? f.dest)],
    ['DBus bus', d.dbus?.bus],
    ['DBus path', d.dbus?.path],
    ['DBus interface', d.dbus?.interface],
    ['DBus member', d.dbus?.member],
    ['Signal', d.signal],
    ['FS Type', d.fstype],
    ['Flags', d.flags],
    ['Src name', d.srcname],
    ['Execpath', f.execpath],
    ['Class', d.class],
    ['Epoch', stamp?.seconds],
    ['Audit subid', stamp?.serial],
  ];
  const out = new Map<string, string>();
  for (const [label, value] of entries) if (value !== undefined) out.set(label, String(value));
  return out;
}

function readExpected(name: string): Map<string, string> {
  const expected = new Map<string, string>();
  for (const line of readFileSync(join(CASES_DIR, `${name}.out`), 'utf8').split('\n')) {
    const colon = line.indexOf(': ');
    if (colon < 0 || line.startsWith('File: ')) continue;
    expected.set(line.slice(0, colon), line.slice(colon + 2));
  }
  return expected;
}

/** The record as one line: physical lines after the first are the kernel's continuation lines. */
function readInput(name: string): { readonly record: string; readonly lines: readonly string[] } {
  const lines = readFileSync(join(CASES_DIR, `${name}.in`), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  return { record: lines.map((line, i) => (i === 0 ? line : line.trim())).join(' '), lines };
}

const NAMES = readdirSync(CASES_DIR)
  .filter((file) => file.endsWith('.in'))
  .map((file) => file.slice(0, -3))
  .sort();

describe('libapparmor test_multi conformance', () => {
  test('all cases are present', () => {
    expect(NAMES.length).toBeGreaterThanOrEqual(170);
    expect(NAMES.length).toBeLessThanOrEqual(179);
  });

  test.each(NAMES)('%s', (name) => {
    const expected = readExpected(name);
    const { record, lines } = readInput(name);
    const result = parseLine(record, 'file');
    const wanted = DENIAL_EVENTS[expected.get('Event type') ?? ''];
    const exception = EXCEPTIONS.get(name);

    for (const [i, line] of lines.entries()) {
      const alone = parseLine(line, 'file');
      if (i > 0) expect(alone, 'a continuation line alone is not a record').toEqual({ kind: 'other' });
    }

    if (wanted === undefined) {
      expect(['other', 'unparsed'], `${expected.get('Event type')} must not become a denial`).toContain(
        result.kind,
      );
      return;
    }
    if (exception && exception.labels.length === 0) return;
    expect(result.kind, result.kind === 'unparsed' ? result.reason : '').toBe('denial');
    if (result.kind !== 'denial') return;
    const ours = asLibapparmor(result.denial);
    const skipped = new Set(exception?.labels ?? []);
    const labels = new Set([...expected.keys(), ...ours.keys()]);
    for (const label of labels) {
      if (skipped.has(label)) continue;
      expect(ours.get(label), label).toBe(expected.get(label));
    }
  });
});
