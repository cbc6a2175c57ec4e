import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  appliedNote,
  deleteOverlay,
  loadOverlay,
  OVERLAY_DIR,
  OverlayError,
  overlayPath,
  runOverlay,
  saveOverlay,
} from '../../../src/launch/overlay-store.js';
import { addEntry, emptyOverlay, setUnrestricted, type PolicyOverlay } from '../../../src/overlay/overlay.js';

let dir: string;
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'overlay-store.')), 'overlays');
});
afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

const sample: PolicyOverlay = addEntry(
  addEntry(emptyOverlay('foo'), {
    kind: 'seccomp',
    line: 'ioprio_set',
    reason: 'seccomp ioprio_set by snap foo',
  }),
  { kind: 'device', type: 'c', major: 136, minor: '*', reason: 'added by hand' },
);

describe('overlay store', () => {
  it('names DIR/SNAP.json and refuses what is not a snap name', () => {
    expect(overlayPath('foo')).toBe(`${OVERLAY_DIR}/foo.json`);
    expect(overlayPath('foo_dev', '/x')).toBe('/x/foo_dev.json');
    expect(() => overlayPath('../etc/passwd', '/x')).toThrow(
      new OverlayError('cannot use overlay of "../etc/passwd": not a snap name'),
    );
  });

  it('a missing file is an empty overlay; runOverlay says there is none', () => {
    expect(loadOverlay('foo', dir)).toEqual(emptyOverlay('foo'));
    expect(runOverlay('foo', dir)).toBeUndefined();
  });

  it('saves 0644 in a directory it makes and reads back the same overlay', () => {
    const path = saveOverlay(setUnrestricted(sample, true), dir);
    expect(path).toBe(join(dir, 'foo.json'));
    expect(statSync(path).mode & 0o777).toBe(0o644);
    expect(loadOverlay('foo', dir)).toEqual(setUnrestricted(sample, true));
    expect(runOverlay('foo', dir)).toEqual({ overlay: setUnrestricted(sample, true), path });
    expect(appliedNote(path, setUnrestricted(sample, true))).toBe(
      `overlay ${path}: 2 entries applied, seccomp unrestricted`,
    );
    expect(appliedNote(path, { ...emptyOverlay('foo'), entries: sample.entries.slice(1) })).toBe(
      `overlay ${path}: 1 entry applied`,
    );
    expect(deleteOverlay('foo', dir)).toBe(true);
    expect(deleteOverlay('foo', dir)).toBe(false);
  });

  it('keeps the previous file when a write fails', () => {
    const path = saveOverlay(sample, dir);
    const before = readFileSync(path, 'utf8');
    mkdirSync(`${path}.${process.pid}.tmp`);
    expect(() => saveOverlay(emptyOverlay('foo'), dir)).toThrow(
      new OverlayError(`cannot write overlay ${path}: EISDIR`),
    );
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('a malformed file is one line naming the file and the key', () => {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'foo.json');
    const cases: [string, string][] = [
      ['{', `cannot read overlay ${path}: not JSON (`],
      ['[]', `cannot read overlay ${path}: the file is not a JSON object`],
      ['{"snap":"bar","unrestricted":false,"entries":[]}', `cannot read overlay ${path}: snap is not "foo"`],
      [
        '{"snap":"foo","unrestricted":"yes","entries":[]}',
        `cannot read overlay ${path}: unrestricted is not true or false`,
      ],
      ['{"snap":"foo","unrestricted":false}', `cannot read overlay ${path}: entries is not a list`],
      [
        '{"snap":"foo","unrestricted":false,"entries":[{"kind":"rule","reason":"r"}]}',
        `cannot read overlay ${path}: entries[0].kind is not interface, seccomp, device or apparmor`,
      ],
      [
        '{"snap":"foo","unrestricted":false,"entries":[{"kind":"seccomp","line":"bind"}]}',
        `cannot read overlay ${path}: entries[0].reason is not a non-empty string`,
      ],
      [
        '{"snap":"foo","unrestricted":false,"entries":[{"kind":"device","type":"c","major":1,"minor":-1,"reason":"r"}]}',
        `cannot read overlay ${path}: entries[0].minor is not a device number or "*"`,
      ],
      [
        '{"snap":"foo","unrestricted":false,"entries":[{"kind":"seccomp","line":"ioprio_set foo","reason":"r"}]}',
        `cannot read overlay ${path}: entries[0]: seccomp line "ioprio_set foo": argument 0 of 'ioprio_set': `,
      ],
      [
        '{"snap":"foo","unrestricted":false,"entries":[{"kind":"apparmor","rule":"/etc/foo r","reason":"r"}]}',
        `cannot read overlay ${path}: entries[0]: cannot read AppArmor rule "/etc/foo r": it must end with ","`,
      ],
    ];
    for (const [text, message] of cases) {
      writeFileSync(path, text);
      let error: unknown;
      try {
        loadOverlay('foo', dir);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(OverlayError);
      expect((error as Error).message.startsWith(message), (error as Error).message).toBe(true);
      expect((error as Error).message).not.toContain('\n');
    }
  });
});
