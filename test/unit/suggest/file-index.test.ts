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
