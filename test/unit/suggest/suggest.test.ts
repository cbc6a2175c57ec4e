import { existsSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Denial } from '../../../src/model/denial.js';
import { evaluate, loadRules, suggest } from '../../../src/suggest/index.js';
import { forgetLoadedRules } from '../../../src/suggest/load.js';
import { pathPattern } from '../../../src/suggest/pattern.js';

const rules = loadRules();

function fileDenial(path: string, mask: string, extra: Partial<Denial> = {}): Denial {
  return {
    kind: 'apparmor',
    log: `apparmor="DENIED" name="${path}"`,
    raw: '',
    decision: 'DENIED',
    label: 'snap.demo.app',
    snap: 'demo',
    instance: 'demo',
    app: 'app',
    operation: 'open',
    class: 'file',
    path,
    requestedMask: mask,
    deniedMask: mask,
    fsuid: 1000,
    ouid: 1000,
    ...extra,
  };
}

const ids = (d: Denial) => suggest(d, rules).map((s) => s.id);

describe('suggest', () => {
  it('names one best interface with its rule, plug line and connect command', () => {
    const [best] = suggest(fileDenial('/proc/29913/mounts', 'r'), rules);
    expect(best).toMatchObject({
      kind: 'interface',
      id: 'mount-observe',
      plugsLine: 'plugs: [mount-observe]',
      command: 'snap connect demo:mount-observe',
      rank: 1,
    });
    expect(best?.text).toBe(
      "add 'mount-observe' to 'plugs' (not auto-connected: snap connect demo:mount-observe)",
    );
    expect(best?.reason).toMatch(
      /^file rule "owner @\{PROC\}\/@\{pid\}\/mounts r" matched \/proc\/29913\/mounts \(read\)$/,
    );
  });

  it("keeps snappy-debug's /proc advice, with the path in AppArmor variables", () => {
    const texts = suggest(fileDenial('/proc/29913/mounts', 'r'), rules).map((s) => s.text);
    expect(texts).toContain("adjust program to not access '@{PROC}/@{pid}/mounts'");
  });

  it('suggests home for a write in the home directory, and nothing else', () => {
    const out = suggest(fileDenial('/home/ubuntu/my-file.txt', 'c', { operation: 'mknod' }), rules);
    expect(out.map((s) => s.id)).toEqual(['home']);
    expect(out[0]?.text).toBe("add 'home' to 'plugs'");
  });

  it('does not let an owner rule cover a file the process does not own', () => {
    const out = ids(fileDenial('/home/user/Downloads/a.pdf', 'r', { fsuid: 0, ouid: 1000 }));
    expect(out[0]).toBe('home-read-all');
    expect(out).not.toContain('home');
  });

  it('never suggests an interface for writes into $SNAP', () => {
    const out = suggest(fileDenial('/snap/demo/12/var/log/x.log', 'wc'), rules);
    expect(out.map((s) => s.id)).toEqual(['write-to-snap']);
    expect(out[0]?.text).toMatch(
      /^adjust program to write to \$SNAP_DATA, \$SNAP_COMMON, \$SNAP_USER_DATA or \$SNAP_USER_COMMON/,
    );
  });

  it('says plainly when the profile is not a snap', () => {
    const d = fileDenial('/etc/os-release', 'r', {
      label: '/usr/lib/snapd/snap-confine',
      snap: undefined,
      instance: undefined,
    });
    expect(ids(d)).toEqual(['not-a-snap']);
  });

  it('covers c (create), a (append) and d (delete) with w', () => {
    expect(ids(fileDenial('/home/jo/notes.txt', 'd', { operation: 'unlink' }))[0]).toBe('home');
    expect(ids(fileDenial('/home/jo/notes.txt', 'a'))[0]).toBe('home');
  });

  it('matches capabilities by the interface whose purpose they serve', () => {
    const d: Denial = {
      ...fileDenial('', ''),
      path: undefined,
      operation: 'capable',
      class: 'cap',
      capname: 'net_admin',
      capability: 12,
    };
    expect(ids(d)[0]).toBe('network-control');
  });

  it('matches seccomp denials on the resolved syscall name', () => {
    const d: Denial = {
      kind: 'seccomp',
      log: 'syscall=203',
      raw: '',
      snap: 'demo',
      instance: 'demo',
      syscall: { number: 203, name: 'sched_setaffinity', auditArch: 'c000003e', arch: 'x86_64' },
    };
    const [best] = suggest(d, rules);
    expect(best?.id).toBe('process-control');
    expect(best?.reason).toMatch(/seccomp rule "sched_setaffinity.*" allows sched_setaffinity/);
  });

  it('maps a device-cgroup denial to the interface whose udev rule selects the device', () => {
    const d: Denial = {
      kind: 'cgroup',
      log: 'c 81:0 rw',
      raw: '',
      snap: 'demo',
      instance: 'demo',
      device: { type: 'c', major: 81, minor: 0, access: 'rw' },
    };
    const [best] = suggest(d, rules);
    expect(best?.id).toBe('camera');
    expect(best?.reason).toBe('udev rule KERNEL=="video[0-9]*" selects c 81:0 (video0)');
  });

  it('matches D-Bus by bus, path, interface, member and peer', () => {
    const d: Denial = {
      ...fileDenial('', ''),
      path: undefined,
      operation: 'dbus_method_call',
      class: 'dbus',
      requestedMask: undefined,
      deniedMask: undefined,
      dbus: {
        bus: 'system',
        path: '/org/freedesktop/UPower',
        interface: 'org.freedesktop.UPower',
        member: 'EnumerateDevices',
        name: 'org.freedesktop.UPower',
        mask: 'send',
      },
      peerLabel: 'unconfined',
    };
    expect(ids(d)[0]).toBe('upower-observe');
  });

  it('answers none with the nearest reason when nothing fits', () => {
    const d: Denial = {
      kind: 'seccomp',
      log: '',
      raw: '',
      snap: 'demo',
      instance: 'demo',
      syscall: { number: 999, auditArch: 'c000003e' },
    };
    expect(suggest(d, rules)).toEqual([
      {
        kind: 'none',
        id: 'none',
        text: 'no interface grants this: syscall 999 is unknown on this architecture',
      },
    ]);
  });

  it('keeps the list short: one best interface and at most two alternatives', () => {
    const d: Denial = {
      ...fileDenial('', ''),
      path: undefined,
      operation: 'create',
      class: 'net',
      family: 'inet',
      sockType: 'stream',
      requestedMask: 'create',
      deniedMask: 'create',
    };
    const out = suggest(d, rules).filter((s) => s.kind === 'interface');
    expect(out[0]?.id).toBe('network');
    expect(out.length).toBeLessThanOrEqual(3);
    expect(out.slice(1).every((s) => s.text.startsWith('or add '))).toBe(true);
  });

  it('exposes every allowing interface through evaluate(), beyond the shown few', () => {
    const result = evaluate(fileDenial('/etc/hosts', 'r'), rules);
    expect(result.interfaces.length).toBeGreaterThan(result.suggestions.length);
    expect(result.interfaces).toContain('network');
  });
});

describe('pathPattern', () => {
  it.each([
    ['/proc/123/mounts', '@{PROC}/@{pid}/mounts'],
    ['/proc/self/task/7/stat', '@{PROC}/@{pid}/task/@{tid}/stat'],
    ['/home/jo/.config/x', '@{HOME}/.config/x'],
    ['/var/snap/demo/common/db', '$SNAP_COMMON/db'],
    ['/var/snap/demo/42/db', '$SNAP_DATA/db'],
    ['/home/jo/snap/demo/42/.cache', '$SNAP_USER_DATA/.cache'],
    ['/snap/demo/42/etc/x', '$SNAP/etc/x'],
    ['/run/user/1000/bus', '/run/user/@{uid}/bus'],
  ])('%s → %s', (path, pattern) => {
    expect(pathPattern(path, { instance: 'demo' })).toBe(pattern);
  });
});

describe('loadRules', () => {
  it('returns the same rule set until a file changes', () => {
    expect(loadRules()).toBe(rules);
  });

  it('leaves out an invalid file and names it; strict mode throws', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    mkdirSync(join(dir, 'interfaces'));
    mkdirSync(join(dir, 'advice'));
    writeFileSync(
      join(dir, 'interfaces', 'good.yaml'),
      'id: good\nsummary: fine\napparmor:\n  file: [{ path: /x, perms: r }]\nextra_field: tolerated\n',
    );
    writeFileSync(join(dir, 'interfaces', 'bad.yaml'), 'id: [not, a, string]\n');
    writeFileSync(
      join(dir, 'interfaces', 'glob.yaml'),
      'id: glob\napparmor:\n  file: [{ path: "/a/{b,c", perms: r }]\n',
    );
    writeFileSync(join(dir, 'advice', 'broken.yaml'), 'id: broken\ntext: "unterminated\n');
    const set = loadRules(dir, { cacheDir: false });
    expect(set.interfaces.map((r) => r.id)).toEqual(['good']);
    expect(set.problems).toEqual([
      expect.stringMatching(/^interfaces\/bad\.yaml: missing id$/),
      'interfaces/glob.yaml: unbalanced braces in glob "/a/{b,c"',
      expect.stringMatching(/^advice\/broken\.yaml: cannot parse YAML: /),
    ]);
    expect(() => loadRules(dir, { strict: true, cacheDir: false })).toThrow(
      /invalid rules in .*: interfaces\/bad\.yaml: missing id/,
    );
  });

  it('keeps normalised rules on disk until a rule file changes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    const cacheDir = join(dir, 'cache');
    mkdirSync(join(dir, 'interfaces'));
    const file = join(dir, 'interfaces', 'one.yaml');
    writeFileSync(file, 'id: one\nsummary: first\napparmor:\n  file: [{ path: /x, perms: r }]\n');
    expect(loadRules(dir, { cacheDir }).interfaces[0]?.summary).toBe('first');
    expect(existsSync(cacheDir)).toBe(true);
    forgetLoadedRules();
    const fromCache = loadRules(dir, { cacheDir });
    expect(fromCache.interfaces[0]?.file).toEqual([{ path: '/x', perms: 'r', owner: false }]);
    expect(fromCache.byId.get('one')?.summary).toBe('first');
    writeFileSync(file, 'id: one\nsummary: second\n');
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    forgetLoadedRules();
    expect(loadRules(dir, { cacheDir }).interfaces[0]?.summary).toBe('second');
  });
});
