import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGlob, globMatches, GlobSyntaxError } from '../../../src/suggest/glob.js';
import { variablesFor } from '../../../src/suggest/variables.js';

describe('AppArmor globs', () => {
  it.each([
    ['/etc/hosts', '/etc/hosts', true],
    ['/etc/hosts', '/etc/hostsX', false],
    ['/etc/*', '/etc/hosts', true],
    ['/etc/*', '/etc/ssl/certs', false],
    ['/etc/*', '/etc/', false],
    ['/etc/**', '/etc/ssl/certs/a.pem', true],
    ['/etc/**', '/etc/', false],
    ['/etc/{,**}', '/etc/', true],
    ['/dev/tty?', '/dev/tty1', true],
    ['/dev/tty?', '/dev/tty10', false],
    ['/dev/tty[0-9]*', '/dev/tty10', true],
    ['/dev/tty[^0-9]*', '/dev/ttyUSB0', true],
    ['/dev/tty[^0-9]*', '/dev/tty1', false],
    ['/{,usr/}bin/ping', '/usr/bin/ping', true],
    ['/{,usr/}bin/ping', '/bin/ping', true],
    ['/{a,b{c,d}}/x', '/bd/x', true],
    ['/{a,b{c,d}}/x', '/b/x', false],
    ['/run/user/[0-9]*/wayland-[0-9]*', '/run/user/1000/wayland-0', true],
    ['/a\\{b\\}', '/a{b}', true],
  ])('%s vs %s → %s', (glob, path, expected) => {
    expect(globMatches(glob, path)).toBe(expected);
  });

  it('expands @{HOME}, @{PROC}, @{pid} and the snap variables', () => {
    const vars = variablesFor({ snap: 'foo', instance: 'foo_bar' });
    expect(globMatches('@{HOME}/.config/x', '/home/jo/.config/x', vars)).toBe(true);
    expect(globMatches('@{HOME}/.config/x', '/root/.config/x', vars)).toBe(true);
    expect(globMatches('@{HOME}/.config/x', '/home/jo/sub/.config/x', vars)).toBe(false);
    expect(globMatches('@{PROC}/@{pid}/mounts', '/proc/29913/mounts', vars)).toBe(true);
    expect(globMatches('@{PROC}/@{pid}/mounts', '/proc/self/mounts', vars)).toBe(false);
    expect(globMatches('/var/snap/@{SNAP_INSTANCE_NAME}/**', '/var/snap/foo_bar/common/x', vars)).toBe(true);
    expect(globMatches('/var/snap/@{SNAP_INSTANCE_NAME}/**', '/var/snap/other/common/x', vars)).toBe(false);
    expect(globMatches('/dev/shm/snap.@{SNAP_NAME}.*', '/dev/shm/snap.foo.x', vars)).toBe(true);
  });

  it('compiles each glob once', () => {
    expect(compileGlob('/srv/**')).toBe(compileGlob('/srv/**'));
  });

  it('rejects malformed globs with a clear error', () => {
    expect(() => compileGlob('/a/{b,c')).toThrow(GlobSyntaxError);
    expect(() => compileGlob('/a/[bc')).toThrow(/unterminated character class/);
  });
});

/**
 * Differential check against the AppArmor project's own glob conversion (python3-apparmor's
 * apparmor.common.convert_regexp, the one aa-logprof uses): random globs over a small alphabet,
 * random paths, both must agree.
 */
describe('agrees with python3-apparmor convert_regexp', () => {
  const pieces = ['a', 'b', '/', '*', '**', '?', '{a,b}', '{,x}', 'a{b,c{d,e}}'];
  const glob = fc
    .array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 6 })
    .map((p) => `/${p.join('')}`)
    .filter((g) => !g.includes('//'));
  const path = fc
    .array(fc.constantFrom('a', 'b', 'c', 'd', 'x', '/'), { minLength: 0, maxLength: 7 })
    .map((p) => `/${p.join('')}`)
    .filter((p) => !p.includes('//'));

  it('on 400 random glob/path pairs', () => {
    const pairs = fc.sample(fc.tuple(glob, path), { numRuns: 400, seed: 20261122 });
    const script = [
      'import json, re, sys',
      'from apparmor.common import convert_regexp',
      'pairs = json.load(sys.stdin)',
      'print(json.dumps([bool(re.match(convert_regexp(g), p)) for g, p in pairs]))',
    ].join('\n');
    let python: boolean[];
    try {
      const out = execFileSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify(pairs) });
      python = JSON.parse(out.toString()) as boolean[];
    } catch (err) {
      throw new Error(
        `cannot run python3-apparmor (scripts/setup-system.sh installs it): ${(err as Error).message}`,
      );
    }
    const disagreements = pairs
      .map(([g, p], i) => ({ g, p, ours: globMatches(g, p), theirs: python[i] }))
      .filter((r) => r.ours !== r.theirs);
    expect(disagreements).toEqual([]);
  });
});
