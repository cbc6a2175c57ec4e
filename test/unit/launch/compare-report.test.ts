import { describe, expect, it } from 'vitest';
import type { Denial, Suggestion } from '../../../src/model/denial.js';
import {
  accessName,
  compareRuns,
  compareStatus,
  onlyStrict,
  withoutLateRecords,
  type CapturedOutput,
  type RunOutcome,
} from '../../../src/launch/compare-report.js';
import { comparisonRecord, formatComparison } from '../../../src/launch/compare-format.js';
import { OutputCapture } from '../../../src/launch/compare-run.js';

const plug = (id: string): Suggestion => ({ kind: 'interface', id, text: `add '${id}' to 'plugs'` });
const advice = (id: string): Suggestion => ({ kind: 'advice', id, text: 'no interface grants it' });

function seccomp(decision: 'DENIED' | 'ALLOWED', pid: number, suggestions: Suggestion[] = []): Denial {
  return {
    kind: 'seccomp',
    log: 'syscall=251',
    raw: `audit: type=1326 pid=${pid} syscall=251`,
    decision,
    label: 'snap.demo.app',
    snap: 'demo',
    pid,
    syscall: { number: 251, name: 'ioprio_set', arch: 'x86_64', auditArch: 'c000003e', compat: 0 },
    suggestions,
  };
}

function device(
  decision: 'DENIED' | 'ALLOWED',
  pid: number,
  minor = 235,
  suggestions: Suggestion[] = [],
): Denial {
  const name = minor === 235 ? '/dev/autofs' : '/dev/fuse';
  return {
    kind: 'cgroup',
    log: `major=10 minor=${minor}`,
    raw: `type=DEVICE_CGROUP pid=${pid} minor=${minor}`,
    decision,
    label: 'snap.demo.app',
    snap: 'demo',
    pid,
    device: { type: 'c', major: 10, minor, name, access: 'r' },
    suggestions,
  };
}

/** A captured stream whose digest is the text itself: equal texts, equal digests. */
function output(text: string, bytes = Buffer.byteLength(text)): CapturedOutput {
  return { text, bytes, digest: `${bytes}:${text}` };
}

function outcome(exit: number, stdout: string, denials: Denial[], stderr = ''): RunOutcome {
  return { exit, durationMs: 20, stdout: output(stdout), stderr: output(stderr), denials };
}

const STRICT = outcome(1, 'ioprio errno=EPERM\nopen /dev/autofs errno=EPERM\n', [
  device('DENIED', 7, 235, [advice('device-no-interface')]),
  seccomp('DENIED', 7, [plug('process-control'), plug('docker-support')]),
  seccomp('DENIED', 8, [plug('process-control')]),
]);
const DEVMODE = outcome(0, 'ioprio ok\nopen /dev/autofs ok\n', [device('ALLOWED', 9), seccomp('ALLOWED', 9)]);

describe('onlyStrict', () => {
  it('keeps one denial per access refused in strict and not refused in devmode, in order', () => {
    const only = onlyStrict(STRICT.denials, DEVMODE.denials);
    expect(only.map(accessName)).toEqual(['device c 10:235 (/dev/autofs)', 'seccomp ioprio_set']);
    expect(only[1]!.pid).toBe(7);
  });

  it('leaves out what devmode refused too, and what strict only logged', () => {
    expect(onlyStrict([device('DENIED', 1), seccomp('ALLOWED', 1)], [device('DENIED', 2)])).toEqual([]);
  });

  it('names a syscall without a resolved name by its number', () => {
    const bare: Denial = { ...seccomp('DENIED', 1), syscall: { number: 999, auditArch: 'c000003e' } };
    expect(accessName(bare)).toBe('seccomp syscall 999');
  });
});

describe('withoutLateRecords', () => {
  it("drops the later run's seccomp records of the earlier run's pids, keeping its device reports", () => {
    const later = [seccomp('ALLOWED', 7), seccomp('ALLOWED', 9), device('ALLOWED', 7), device('ALLOWED', 9)];
    expect(withoutLateRecords(later, STRICT.denials).map((d) => [d.kind, d.pid])).toEqual([
      ['seccomp', 9],
      ['cgroup', 7],
      ['cgroup', 9],
    ]);
  });
});

describe('verdict and status', () => {
  it('names the exit statuses, the output that differs, the denials and the first suggestion of each', () => {
    const comparison = compareRuns(STRICT, DEVMODE);
    expect(comparison.verdict).toBe(
      'strict exits 1 where devmode exits 0, and stdout differs; the denials only strict enforces: ' +
        'device c 10:235 (/dev/autofs), seccomp ioprio_set; suggested: advice device-no-interface, plug process-control',
    );
    expect(comparison.same).toBe(false);
    expect(compareStatus(comparison)).toBe(1);
  });

  it('is 0 when both runs exit alike with the same bytes, whatever strict refused', () => {
    const strict = outcome(0, 'done\n', [device('DENIED', 3, 229, [plug('fuse-support')])]);
    const comparison = compareRuns(strict, outcome(0, 'done\n', [device('ALLOWED', 4, 229)]));
    expect(comparison.verdict).toBe(
      'strict behaves like devmode (both exit 0, same output); the denials only strict enforces: ' +
        'device c 10:229 (/dev/fuse); suggested: plug fuse-support',
    );
    expect(compareStatus(comparison)).toBe(0);
  });

  it('is 1 when only the output differs, and says which stream', () => {
    const comparison = compareRuns(outcome(0, 'a\n', [], 'warn\n'), outcome(0, 'a\n', [], ''));
    expect(comparison.verdict).toBe(
      'strict exits 0 like devmode, but stderr differs; strict refused nothing devmode allowed',
    );
    expect(compareStatus(comparison)).toBe(1);
    const both = compareRuns(outcome(2, 'a\n', [], 'x\n'), outcome(2, 'b\n', [], 'y\n'));
    expect(both.verdict).toBe(
      'strict exits 2 like devmode, but stdout and stderr differ; strict refused nothing devmode allowed',
    );
  });

  it('says when no suggestion is known', () => {
    const comparison = compareRuns(outcome(1, '', [seccomp('DENIED', 5)]), outcome(0, '', []));
    expect(comparison.verdict).toBe(
      'strict exits 1 where devmode exits 0; the denials only strict enforces: seccomp ioprio_set; suggested: nothing known',
    );
  });
});

describe('formatComparison', () => {
  it('prints a header per run, the diffs and the verdict', () => {
    const text = formatComparison(compareRuns(STRICT, DEVMODE), 'snap.demo.app');
    expect(text).toBe(
      [
        '== strict: exit 1, 20 ms, 3 denials',
        'stdout: 48 bytes',
        '  | ioprio errno=EPERM',
        '  | open /dev/autofs errno=EPERM',
        'stderr: empty',
        'denials:',
        '  cgroup DENIED c 10:235 /dev/autofs r snap.demo.app pid 7',
        '  seccomp DENIED ioprio_set (251) snap.demo.app pid 7',
        '  seccomp DENIED ioprio_set (251) snap.demo.app pid 8',
        '== devmode: exit 0, 20 ms, 2 denials',
        'stdout: 30 bytes',
        '  | ioprio ok',
        '  | open /dev/autofs ok',
        'stderr: empty',
        'denials:',
        '  cgroup ALLOWED c 10:235 /dev/autofs r snap.demo.app pid 9',
        '  seccomp ALLOWED ioprio_set (251) snap.demo.app pid 9',
        '== stdout diff (- strict, + devmode)',
        '- ioprio errno=EPERM',
        '- open /dev/autofs errno=EPERM',
        '+ ioprio ok',
        '+ open /dev/autofs ok',
        '== stderr: the same in both runs',
        '== verdict',
        'strict exits 1 where devmode exits 0, and stdout differs; the denials only strict enforces: ' +
          'device c 10:235 (/dev/autofs), seccomp ioprio_set; suggested: advice device-no-interface, plug process-control',
        '',
      ].join('\n'),
    );
  });

  it('says how much of a long output is shown, and that the diff is of the shown bytes', () => {
    const strict: RunOutcome = { ...outcome(0, '', []), stdout: output('x\n', 100_000) };
    const text = formatComparison(compareRuns(strict, outcome(0, 'y\n', [])), 'snap.demo.app');
    expect(text).toContain(
      '== strict: exit 0, 20 ms, 0 denials\nstdout: 100000 bytes (the first 2 shown)\n  | x\n',
    );
    expect(text).toContain('== stdout diff (- strict, + devmode) (of the bytes shown)\n- x\n+ y\n');
  });
});

describe('comparisonRecord', () => {
  it('is one object with both runs, denials shaped like scanlog --json, only_strict and the verdict', () => {
    const record = comparisonRecord(compareRuns(STRICT, DEVMODE));
    expect(Object.keys(record)).toEqual(['strict', 'devmode', 'only_strict', 'same', 'verdict']);
    expect(record.strict).toMatchObject({
      exit: 1,
      duration_ms: 20,
      stdout: 'ioprio errno=EPERM\nopen /dev/autofs errno=EPERM\n',
      stdout_bytes: 48,
      stderr: '',
      stderr_bytes: 0,
    });
    const only = record.only_strict as Record<string, unknown>[];
    expect(only.map((d) => [d.kind, d.decision, d.pid])).toEqual([
      ['cgroup', 'DENIED', 7],
      ['seccomp', 'DENIED', 7],
    ]);
    expect(only[1]).toMatchObject({ syscall: { number: 251, name: 'ioprio_set' }, repeat: 1 });
    expect((record.devmode as { denials: unknown[] }).denials).toHaveLength(2);
    expect(record.same).toBe(false);
  });
});

describe('OutputCapture', () => {
  it('keeps the first bytes up to the limit and hashes the whole stream', async () => {
    const write = (capture: OutputCapture, chunks: string[]) =>
      new Promise<void>((resolve) => {
        for (const chunk of chunks) capture.write(Buffer.from(chunk));
        capture.end(resolve);
      });
    const a = new OutputCapture(5);
    await write(a, ['abc', 'defg', 'h']);
    const b = new OutputCapture(5);
    await write(b, ['abcdefgh']);
    const c = new OutputCapture(5);
    await write(c, ['abcdefgX']);
    expect(a.captured()).toMatchObject({ text: 'abcde', bytes: 8 });
    expect(a.captured().digest).toBe(b.captured().digest);
    expect(c.captured().text).toBe('abcde');
    expect(c.captured().digest).not.toBe(b.captured().digest);
  });
});
