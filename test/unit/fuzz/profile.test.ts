// Property tests of the seccomp profile parser: mutated real profiles and arbitrary text.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseProfile, ProfileError, type ParseOptions } from '../../../src/seccomp/profile.js';
import { syscallNames } from '../../../src/seccomp/tables.js';
import { mutate, Rng } from '../../support/mutate.mjs';

const ROOT = resolve(import.meta.dirname, '../../..');
const NAMES = new Set(syscallNames());
const OPTIONS: ParseOptions = {
  file: 'fuzz.src',
  isKnownSyscall: (name) => NAMES.has(name),
  lookupUser: (name) => ({ root: 0, daemon: 1 })[name],
  lookupGroup: (name) => ({ root: 0, audio: 29 })[name],
};
const PROFILES = [
  readFileSync(join(ROOT, 'rules/seccomp/default.src'), 'utf8'),
  ...readdirSync(join(ROOT, 'test/fixtures/seccomp'))
    .filter((name) => name.endsWith('.src'))
    .sort()
    .map((name) => readFileSync(join(ROOT, 'test/fixtures/seccomp', name), 'utf8')),
];

/** Parses, allowing only a ProfileError whose message is one `fuzz.src:LINE: ...` line. */
function parseOrProfileError(source: string): ReturnType<typeof parseProfile> | undefined {
  try {
    return parseProfile(source, OPTIONS);
  } catch (error) {
    if (!(error instanceof ProfileError)) throw error;
    if (!/^fuzz\.src:\d+: [^\n\r]+$/.test(error.message))
      throw new Error(`bad message ${JSON.stringify(error.message)}`);
    return undefined;
  }
}

/** One line of a profile changed: mutated, duplicated, dropped, or replaced by a hostile token line. */
function mutateProfile(source: string, rng: Rng): string {
  const lines = source.split('\n');
  const at = rng.int(lines.length);
  const hostile = [
    'ioctl - TIOCSTI',
    'chown - -1 u:nobody',
    'socket AF_NETLINK - 99999999999',
    'mmap - - - - - - - -',
    'read >=',
    '~',
    '@unrestricted',
    '  ',
    'setuid 0|',
    'prctl PR_CAP_AMBIENT|1|2',
  ];
  switch (rng.int(4)) {
    case 0:
      lines[at] = mutate(lines[at]!, rng);
      break;
    case 1:
      lines.splice(at, 0, lines[at]!);
      break;
    case 2:
      lines.splice(at, 1);
      break;
    default:
      lines[at] = rng.pick(hostile);
  }
  return lines.join(rng.chance(10) ? '\r\n' : '\n');
}

describe('parseProfile (fuzz)', { timeout: 30_000 }, () => {
  it('every real profile parses, and parses the same with CRLF line ends and an extra comment', () => {
    for (const source of PROFILES) {
      const profile = parseProfile(source, OPTIONS);
      expect(parseProfile(`${source.replace(/\n/g, '\r\n')}# end\n`, OPTIONS)).toEqual(profile);
    }
    expect(PROFILES.length).toBeGreaterThan(50);
  });

  it('mutated real profiles: a profile or a one-line ProfileError, nothing else', () => {
    fc.assert(
      fc.property(fc.nat(PROFILES.length - 1), fc.integer(), (index, seed) => {
        const profile = parseOrProfileError(mutateProfile(PROFILES[index]!, new Rng(seed)));
        for (const rule of profile?.rules ?? []) {
          if (rule.conditions.length > 6) throw new Error('more than six argument conditions');
          for (const c of rule.conditions)
            if (c.value < 0n || c.value > 0xffffffffn) throw new Error('value out of 32 bits');
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('arbitrary text: a profile or a one-line ProfileError', () => {
    const piece = fc.constantFrom(
      'read',
      'ioctl',
      '~',
      '-',
      ' ',
      '\t',
      '\n',
      '\r\n',
      '#',
      '>=',
      '<',
      '!',
      '|',
      'u:',
      'g:',
      'root',
      '0',
      '-1',
      '4294967296',
      'AF_UNIX',
      '@complain',
      'chown',
      'x',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        parseOrProfileError(pieces.join(''));
      }),
      { numRuns: 3000 },
    );
  });
});
