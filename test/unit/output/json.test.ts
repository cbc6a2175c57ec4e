import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Denial, Suggestion } from '../../../src/model/denial.js';
import { formatJsonLine, toJsonRecord } from '../../../src/output/json.js';

const suggestions: readonly Suggestion[] = [
  {
    kind: 'interface',
    id: 'process-control',
    text: "add 'process-control' to 'plugs'",
    reason: 'seccomp rule "sched_setattr" allows sched_setattr',
    autoConnect: false,
    command: 'snap connect rt-app:process-control',
    plugsLine: 'plugs: [process-control]',
  },
];

const denial: Denial = {
  kind: 'seccomp',
  log: 'auid=1000 ... syscall=314 ...',
  raw: 'Mar 27 20:29:40 rt kernel: audit: type=1326 ... "quoted" \\ tail',
  snap: 'rt-app',
  instance: 'rt-app',
  app: 'edf',
  label: 'snap.rt-app.edf',
  decision: 'ALLOWED',
  syscall: { number: 314, name: 'sched_setattr', arch: 'x86_64', auditArch: 'c000003e', compat: 0 },
  action: 'log',
  pid: 37555,
  comm: 'edf',
  exe: '/snap/rt-app/x1/bin/edf',
  suggestions,
};

describe('JSON lines', () => {
  it('is one line holding exactly the JSON record, suggestions included', () => {
    const line = formatJsonLine(denial);
    expect(line.endsWith('}\n')).toBe(true);
    expect(line.indexOf('\n')).toBe(line.length - 1);
    expect(JSON.parse(line)).toEqual(toJsonRecord(denial));
    expect(JSON.parse(formatJsonLine(denial))).toEqual(JSON.parse(line));
  });

  it('carries every documented key, null when unknown', () => {
    const record = JSON.parse(formatJsonLine({ kind: 'apparmor', log: 'x', raw: 'y' })) as Record<
      string,
      unknown
    >;
    for (const key of [
      'kind',
      'time',
      'source',
      'snap',
      'app',
      'hook',
      'label',
      'decision',
      'operation',
      'class',
      'path',
      'requested_mask',
      'denied_mask',
      'capability',
      'family',
      'sock_type',
      'peer',
      'dbus',
      'syscall',
      'action',
      'pid',
      'comm',
      'exe',
      'raw',
      'suggestions',
    ]) {
      expect(record).toHaveProperty(key);
    }
    expect(record.suggestions).toEqual([]);
    expect(record.syscall).toBeNull();
  });

  it('gives the structured suggestion', () => {
    const [first] = (JSON.parse(formatJsonLine(denial)) as { suggestions: unknown[] }).suggestions;
    expect(first).toEqual({
      kind: 'interface',
      id: 'process-control',
      text: "add 'process-control' to 'plugs'",
      reason: 'seccomp rule "sched_setattr" allows sched_setattr',
      auto_connect: false,
      needs_review: null,
      command: 'snap connect rt-app:process-control',
      plugs_line: 'plugs: [process-control]',
      slots_line: null,
    });
  });

  it('writes exactly the text of JSON.stringify(toJsonRecord(d)) for any denial', () => {
    const text = fc.option(fc.string({ unit: 'binary' }), { nil: undefined });
    const int = fc.option(fc.integer(), { nil: undefined });
    const denials = fc.record(
      {
        kind: fc.constantFrom('apparmor' as const, 'seccomp' as const, 'cgroup' as const),
        log: fc.string(),
        raw: fc.string({ unit: 'binary' }),
        time: text,
        timeText: text,
        source: fc.option(fc.constantFrom('syslog' as const, 'file' as const), { nil: undefined }),
        snap: text,
        instance: text,
        app: text,
        hook: text,
        label: text,
        decision: fc.option(fc.constantFrom('DENIED' as const, 'ALLOWED' as const), { nil: undefined }),
        operation: text,
        class: text,
        path: text,
        requestedMask: text,
        deniedMask: text,
        capname: text,
        capability: int,
        family: text,
        sockType: text,
        protocol: int,
        peer: text,
        peerLabel: text,
        signal: text,
        dbus: fc.option(fc.record({ bus: text, path: text, interface: text, member: text, name: text }), {
          nil: undefined,
        }),
        syscall: fc.option(
          fc.record({ number: fc.integer(), name: text, arch: text, auditArch: fc.string(), compat: int }),
          { nil: undefined },
        ),
        device: fc.option(
          fc.record({
            type: fc.constantFrom('c' as const, 'b' as const),
            major: fc.nat(),
            minor: fc.nat(),
            access: fc.string(),
          }),
          { nil: undefined },
        ),
        action: text,
        pid: int,
        comm: text,
        exe: text,
        repeat: int,
        suggestions: fc.option(fc.constant(suggestions), { nil: undefined }),
      },
      { requiredKeys: ['kind', 'log', 'raw'] },
    );
    fc.assert(
      fc.property(denials, (d: Denial) => {
        expect(formatJsonLine(d)).toBe(`${JSON.stringify(toJsonRecord(d))}\n`);
      }),
      { numRuns: 500 },
    );
  });
});
