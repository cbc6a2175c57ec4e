import { describe, expect, it } from 'vitest';
import type { Denial } from '../../../src/model/denial.js';
import { allowDenials, allowSummary, formatOverlay } from '../../../src/overlay/allow.js';
import { emptyOverlay } from '../../../src/overlay/overlay.js';
import { entryFromWords } from '../../../src/overlay/validate.js';

const seccomp = (snap: string, name: string): Denial => ({
  kind: 'seccomp',
  log: '',
  raw: '',
  snap,
  instance: snap,
  label: `snap.${snap}.app`,
  syscall: { number: 251, name, auditArch: 'c000003e' },
  suggestions: [{ kind: 'interface', id: 'docker-support', text: "add 'docker-support' to 'plugs'" }],
});

describe('allow', () => {
  it('adds choice N of each denial of the snap, once, and counts the rest', () => {
    const denials = [seccomp('foo', 'ioprio_set'), seccomp('foo', 'ioprio_set'), seccomp('bar', 'bind')];
    const first = allowDenials(emptyOverlay('foo'), denials, 1);
    expect(first.added).toEqual(['added 1. seccomp: ioprio_set  (seccomp ioprio_set by snap.foo.app)']);
    expect(allowSummary(first, 1)).toBe(
      '2 denials of foo: 1 entry added, 1 already allowed; 1 of other snaps skipped',
    );
    const second = allowDenials(first.overlay, denials.slice(0, 1), 2);
    expect(second.overlay.entries.map((e) => e.kind)).toEqual(['seccomp', 'interface']);
    expect(allowSummary(allowDenials(emptyOverlay('foo'), denials, 3), 3)).toBe(
      '2 denials of foo: 0 entries added, 2 without a choice 3; 1 of other snaps skipped',
    );
  });

  it('lists the overlay numbered, with reasons, unrestricted marked', () => {
    const o = allowDenials(emptyOverlay('foo'), [seccomp('foo', 'bind')], 1).overlay;
    expect(formatOverlay({ ...o, unrestricted: true }, '/x/foo.json')).toBe(
      [
        'overlay of foo (/x/foo.json):',
        '  seccomp: UNRESTRICTED (@unrestricted): no seccomp filter is enforced',
        '  1. seccomp: bind  (seccomp bind by snap.foo.app)',
        '',
      ].join('\n'),
    );
    expect(formatOverlay(emptyOverlay('foo'), '/x/foo.json')).toBe(
      'overlay of foo (/x/foo.json):\n  no entries\n',
    );
  });
});

describe('entryFromWords', () => {
  it('reads the words after add', () => {
    expect(entryFromWords(['device', 'b', '8', '*'])).toEqual({
      kind: 'device',
      type: 'b',
      major: 8,
      minor: '*',
      reason: 'added by hand',
    });
    expect(entryFromWords(['seccomp', ' bind '])).toEqual({
      kind: 'seccomp',
      line: 'bind',
      reason: 'added by hand',
    });
  });

  it('names what is wrong', () => {
    expect(() => entryFromWords(['seccomp', 'socket', 'AF_INET'])).toThrow(
      'add seccomp takes exactly one seccomp line (quote it)',
    );
    expect(() => entryFromWords(['device', 'c', '1'])).toThrow('add device takes c|b MAJOR MINOR|*');
    expect(() => entryFromWords(['device', 'c', '-1', '2'])).toThrow('device major "-1" is not a number');
    expect(() => entryFromWords(['rule', 'x'])).toThrow(
      'add needs interface, seccomp, device or apparmor, not "rule"',
    );
    expect(() => entryFromWords([])).toThrow('add needs interface, seccomp, device or apparmor, not ""');
  });
});
