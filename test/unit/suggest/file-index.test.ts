import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGlob, literalPrefix } from '../../../src/suggest/glob.js';
import { loadRules } from '../../../src/suggest/index.js';
import { matchingGrants } from '../../../src/suggest/file-index.js';
import { variablesFor } from '../../../src/suggest/variables.js';

const rules = loadRules();
const variables = variablesFor({ snap: 'foo' });
const globs = rules.interfaces.flatMap((rule) => rule.file.map((grant) => grant.path));

describe('literalPrefix', () => {
  it.each([
    ['/sys/devices/**', '/sys/devices/'],
    ['/dev/tty[0-9]*', '/dev/tty'],
    ['{/run,/var/run}/foo', ''],
    ['@{PROC}/sys/kernel', ''],
    ['/{,usr/}bin/ls', '/'],
    ['//etc//hosts', '/etc/hosts'],
  ])('%s starts every match with %j', (glob, prefix) => {
    expect(literalPrefix(glob)).toBe(prefix);
  });
});

describe('file globs indexed by top directory', () => {
  it('find exactly the grants that trying every glob finds', () => {
    // Paths near the rules' own globs (their literal starts with random tails) and anywhere else.
    const near = fc
      .tuple(fc.constantFrom(...globs), fc.stringMatching(/^[a-z0-9./_-]{0,24}$/))
      .map(([glob, tail]) => literalPrefix(glob).replace(/[^/]*$/, '') + tail);
    const path = fc.oneof(
      near,
      fc.stringMatching(/^\/[a-z0-9./_-]{0,40}$/),
      fc.constantFrom('/', '/sys', '/proc/1/status'),
    );
    fc.assert(
      fc.property(path, fc.boolean(), (candidate, owned) => {
        for (const rule of rules.interfaces) {
          const everyGlob = rule.file.filter(
            (grant) => (!grant.owner || owned) && compileGlob(grant.path, variables).test(candidate),
          );
          expect(matchingGrants(rule, variables, candidate, owned)).toEqual(everyGlob);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('the grants of rules that name a snap variable', () => {
  // Their globs are indexed once per snap, the top directories of the globs naming no snap
  // variable only once (for the values of the other variables): every snap, met in any order,
  // and a binding whose other variables differ must still get what trying every glob finds.
  const dependent = rules.interfaces.filter((rule) => rule.file.some((grant) => /@\{SNAP/.test(grant.path)));
  const snaps = ['foo', 'bar', 'chromium', 'greengrass', 'foo_x'];
  const bindings = [
    ...snaps.map((name) => variablesFor({ snap: name.split('_')[0], instance: name })),
    { ...variablesFor({ snap: 'other' }), PROC: '/proc2', HOME: '/export/[^/]+' },
  ];

  it('are there to check (browser-support and greengrass-support)', () => {
    expect(dependent.map((rule) => rule.id)).toEqual(
      expect.arrayContaining(['browser-support', 'greengrass-support']),
    );
  });

  it("match each glob's own paths under every binding, as trying every glob does", () => {
    const homes = { normal: '/home/jo', other: '/export/jo' };
    for (const [which, binding] of bindings.entries()) {
      const other = which === bindings.length - 1;
      const instance = other ? 'other' : snaps[which]!;
      for (const rule of dependent) {
        for (const grant of rule.file) {
          // One concrete path per glob: variables by this binding's values, wildcards by a name.
          const candidate = grant.path
            .replaceAll('@{PROC}', other ? '/proc2' : '/proc')
            .replaceAll('@{pid}', '7')
            .replaceAll('@{HOME}', other ? homes.other : homes.normal)
            .replaceAll('@{SNAP_INSTANCE_NAME}', instance)
            .replaceAll('@{SNAP_NAME}', instance.split('_')[0]!)
            .replace(/\{([^{},]*),[^{}]*\}/g, '$1')
            .replaceAll('[0-9]', '1')
            .replaceAll('**', 'a/b')
            .replaceAll('*', 'x');
          for (const owned of [false, true]) {
            const everyGlob = rule.file.filter(
              (g) => (!g.owner || owned) && compileGlob(g.path, binding).test(candidate),
            );
            expect(matchingGrants(rule, binding, candidate, owned), `${rule.id} ${candidate}`).toEqual(
              everyGlob,
            );
          }
        }
      }
    }
  });

  it('are found by the index exactly as by trying every glob, whichever snap comes first', () => {
    const dirs = [
      '/proc/1/',
      '/proc2/1/',
      '/run/user/1000/snap.foo/',
      '/run/user/1000/snap.chromium/',
      '/run/user/1000/snap.foo_x/',
      '/home/jo/',
      '/export/jo/',
      '/snap/greengrass/3/',
      '/var/snap/greengrass/common/',
    ];
    const near = fc
      .tuple(
        fc.constantFrom(...dependent.flatMap((rule) => rule.file.map((grant) => grant.path))),
        fc.stringMatching(/^[a-z0-9._-]{0,12}$/),
      )
      .map(([glob, tail]) => literalPrefix(glob).replace(/[^/]*$/, '') + tail);
    const path = fc.oneof(
      near,
      fc.tuple(fc.constantFrom(...dirs), fc.stringMatching(/^[a-z0-9._/-]{0,20}$/)).map(([d, t]) => d + t),
    );
    fc.assert(
      fc.property(
        fc.shuffledSubarray(bindings, { minLength: 1 }),
        path,
        fc.boolean(),
        (order, candidate, owned) => {
          for (const binding of order) {
            for (const rule of dependent) {
              const everyGlob = rule.file.filter(
                (grant) => (!grant.owner || owned) && compileGlob(grant.path, binding).test(candidate),
              );
              expect(matchingGrants(rule, binding, candidate, owned)).toEqual(everyGlob);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
