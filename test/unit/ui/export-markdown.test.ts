import { describe, expect, it } from 'vitest';
import { renderReport } from '../../../src/ui/export-markdown.js';
import { GroupStore } from '../../../src/ui/group-store.js';
import { fileDenial, syscallDenial } from './fixtures.js';

const CONTEXT = {
  generatedAt: Date.parse('2026-11-22T12:00:00Z'),
  sourceDescription: 'file x.log',
  viewDescription: 'all snaps',
};

describe('renderReport', () => {
  it('lists the groups, their suggestions, the plugs and a snapcraft.yaml snippet', () => {
    const store = new GroupStore();
    const home = {
      kind: 'interface' as const,
      id: 'home',
      text: "add 'home' to 'plugs'",
      reason: 'path matches @{HOME}/**',
      command: 'snap connect foo:home',
      plugsLine: 'plugs: [home]',
    };
    store.add(fileDenial('foo', 'app', '/home/u/a|b', 1_700_000_000, { suggestions: [home] }), 0);
    store.add(fileDenial('foo', 'app', '/home/u/a|b', 1_700_000_005, { suggestions: [home] }), 0);
    store.add(syscallDenial('foo', 'app', 999, 1_700_000_010), 0);
    const report = renderReport([...store.groups()], CONTEXT);
    expect(report).toBe(
      [
        '# snappy-debug report',
        '',
        '- Generated: 2026-11-22T12:00:00.000Z',
        '- Source: file x.log',
        '- View: all snaps',
        '- 2 group(s), 3 denial(s)',
        '',
        '## Denials',
        '',
        '| # | kind | decision | snap.app | what | count | first seen | last seen |',
        '| --- | --- | --- | --- | --- | ---: | --- | --- |',
        '| 1 | AppArmor | DENIED | foo.app | open /home/u/a\\|b (read) | 2 | 2023-11-14 22:13:20.000 | 2023-11-14 22:13:25.000 |',
        '| 2 | seccomp | DENIED | foo.app | syscall 999 (unresolved) | 1 | 2023-11-14 22:13:30.000 | 2023-11-14 22:13:30.000 |',
        '',
        '### 1. open /home/u/a|b (read)',
        '',
        '- AppArmor DENIED, foo.app, 2 time(s), first 2023-11-14 22:13:20.000, last 2023-11-14 22:13:25.000 UTC',
        '',
        '```',
        'apparmor="DENIED" operation="open" profile="snap.foo.app" name="/home/u/a|b" pid=1700000005 comm="app" requested_mask="r" denied_mask="r"',
        '```',
        '',
        "- add 'home' to 'plugs' (path matches @{HOME}/**): `snap connect foo:home`",
        '',
        '### 2. syscall 999 (unresolved)',
        '',
        '- seccomp DENIED, foo.app, 1 time(s), first 2023-11-14 22:13:30.000, last 2023-11-14 22:13:30.000 UTC',
        '- Syscall: 999 (name not resolved) on x86_64, audit arch c000003e, compat=0',
        '',
        '```',
        'auid=1000 uid=1000 subj=snap.foo.app pid=1700000010 comm="app" sig=0 arch=c000003e syscall=999 compat=0 code=0x50000',
        '```',
        '',
        'No suggestion.',
        '',
        '## Suggested plugs',
        '',
        '- **home** for 1 group(s) of foo: `snap connect foo:home`',
        '',
        '## snapcraft.yaml',
        '',
        '```yaml',
        'apps:',
        '  app:',
        '    plugs:',
        '      - home',
        '```',
        '',
      ].join('\n'),
    );
  });

  it('says so when nothing was suggested', () => {
    const store = new GroupStore();
    store.add(syscallDenial('foo', 'app', 1, 1), 0);
    const report = renderReport([...store.groups()], CONTEXT);
    expect(report).toContain('No interface was suggested for these denials.');
    expect(report).not.toContain('## snapcraft.yaml');
  });

  it('puts a slot-side answer under slots:, not among the plugs', () => {
    const store = new GroupStore();
    const waylandSlot = {
      kind: 'interface' as const,
      id: 'wayland',
      text: "add 'wayland' to 'slots'",
      slotsLine: 'slots: [wayland]',
    };
    store.add(
      fileDenial('mir-kiosk', 'daemon', '/run/user/0/wayland-0.lock', 1, { suggestions: [waylandSlot] }),
      0,
    );
    const report = renderReport([...store.groups()], CONTEXT);
    expect(report).toContain('No interface was suggested for these denials.');
    expect(report).toContain(
      ['## snapcraft.yaml', '', '```yaml', 'slots:', '  wayland: null', '```'].join('\n'),
    );
    expect(report).not.toContain('plugs:');
  });
});
