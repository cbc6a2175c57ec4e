import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { App, type AppProps } from '../../../components/App.js';
import { GroupRow } from '../../../components/GroupRow.js';
import { StatusBar } from '../../../components/StatusBar.js';
import type { Denial } from '../../../src/model/denial.js';
import { GroupStore } from '../../../src/ui/group-store.js';
import { makeTheme } from '../../../src/ui/theme.js';
import { deviceDenial, fileDenial, syscallDenial } from './fixtures.js';

const tick = (ms = 50) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (up to 3 s) until the last frame's line `index` is `expected`; returns that line. */
async function lineBecomes(
  frame: () => string | undefined,
  index: number,
  expected: string,
): Promise<string> {
  const deadline = Date.now() + 3_000;
  let line = (frame() ?? '').split('\n')[index];
  while (line !== expected && Date.now() < deadline) {
    await tick(10);
    line = (frame() ?? '').split('\n')[index];
  }
  return line ?? '';
}

function sampleStore(): GroupStore {
  const store = new GroupStore();
  store.add(fileDenial('foo', 'app', '/etc/fstab', 1_773_415_036), 0);
  store.add(syscallDenial('foo', 'app', 314, 1_773_415_040, 'sched_setattr'), 0);
  store.add(syscallDenial('foo', 'app', 314, 1_773_415_045, 'sched_setattr'), 0);
  store.add(deviceDenial('bar', 'reader', 1_773_415_050), 0);
  return store;
}

function app(overrides: Partial<AppProps> = {}) {
  const props: AppProps = {
    store: sampleStore(),
    sourceDescription: 'file recorded.log',
    stats: () => ({ lines: 7, unparsed: 1, gaps: 0 }),
    colour: false,
    writeReport: async (path) => path ?? '/tmp/default.md',
    size: { columns: 80, rows: 24 },
    ...overrides,
  };
  return render(<App {...props} />);
}

afterEach(() => cleanup());

describe('GroupRow', () => {
  it('renders one fixed-width row', () => {
    const { lastFrame } = render(
      <GroupRow
        kind="seccomp"
        decision="DENIED"
        count={12}
        firstSeen={0}
        lastSeen={3_723_000}
        spark="▁▂▃▄▅▆▇█"
        owner="foo.app"
        summary="syscall sched_setattr"
        selected
        reviewed
        showFirst={false}
        width={80}
      />,
    );
    expect(lastFrame()).toBe(
      '›✓SC DENIED      12 01:02:03 ▁▂▃▄▅▆▇█ foo.app            syscall sched_setattr',
    );
  });
});

describe('StatusBar', () => {
  it('shows position, filter with its matches, sort, mode and the help hint', () => {
    const { lastFrame } = render(
      <StatusBar
        position={2}
        total={5}
        filter="etc"
        filterMode="regex"
        sort="last"
        following={false}
        hideReviewed
        width={80}
      />,
    );
    expect(lastFrame()).toBe(
      ' 2/5  filter regex "etc": 5 match  sort last seen  reviewed hid… PAUSED  ? help',
    );
  });
});

describe('App at 80x24', () => {
  it('renders header, list, detail, status and hints', async () => {
    const { lastFrame } = app();
    await tick();
    expect(lastFrame()).toMatchInlineSnapshot(`
      "snappy-debug  following file recorded.log  snap: all
      1:AppArmor 1  2:seccomp 2  3:cgroup 1   3 groups  7 lines  1 unparsed  0 gaps
        K  DECISION COUNT LAST     RATE     SNAP.APP           WHAT
        SC DENIED       2 15:17:25       █  foo.app            syscall sched_setattr
      › CG DENIED       1 15:17:30        █ bar.reader         device c 1:11 /dev/kms…
        AA DENIED       1 15:17:16       █  foo.app            open /etc/fstab (read)





      ── detail lines 1-10/15 (Tab or Enter to scroll) ───────────────────────────────
      cgroup DENIED  bar.reader  device c 1:11 /dev/kmsg rw
      count 1  first 2026-03-13 15:17:30.000  last 2026-03-13 15:17:30.000 UTC
      Log line (newest):
      snappy-debug-confine: type=DEVICE_CGROUP audit(1773415050.000:3): decision="DENI
      ED" label="snap.bar.reader" pid=1773415050 comm="cat" dev_type=c major=1 minor=1
      1 name="/dev/kmsg" access="rw"
      Fields:
        device: c 1:11 /dev/kmsg
        access: rw
        pid: 1773415050
       2/3  no filter  sort count                                   FOLLOWING  ? help
      j/k move  Enter detail  Tab pane  / filter  f follow  s sort  1-3 kinds  x revi…"
    `);
  });
});

describe('App keys', () => {
  const lines = (frame: string | undefined) => (frame ?? '').split('\n');

  it('filters live while typing and shows the prompt, the matches and the count', async () => {
    const { lastFrame, stdin } = app();
    await tick();
    stdin.write('/');
    await tick();
    stdin.write('fst');
    await tick();
    const frame = lines(lastFrame());
    expect(frame[3]).toBe('› AA DENIED       1 15:17:16       █  foo.app            open /etc/fstab (read)');
    expect(frame[4]).toBe('');
    expect(frame[22]).toBe(' 1/1  filter regex "fst": 1 match  sort count                 FOLLOWING  ? help');
    expect(frame[23]).toBe('/fst    (Enter keep, Esc clear)');
    stdin.write('\u001b');
    await tick(80);
    expect(lines(lastFrame())[22]).toContain(' 2/3  no filter');
  });

  it('shows the key table as help and closes it with q without quitting', async () => {
    const { lastFrame, stdin } = app();
    await tick();
    stdin.write('?');
    await tick();
    const frame = lines(lastFrame());
    expect(frame[0]).toBe('snappy-debug keys  (Esc, q or ? to close)');
    // 80x24 is too short for one column: two, each cut to its width.
    expect(frame[1]).toBe('  j, down     next group (or scroll the…  e           export the view as a Mark…');
    expect(frame.some((l) => /^ {2}\/ {11}filter: text or regex ove… {2}/.test(l))).toBe(true);
    expect(frame.some((l) => / {2}q, ctrl\+c {3}quit \(back inside overlay…$/.test(l))).toBe(true);
    stdin.write('q');
    await tick();
    expect(lines(lastFrame())[0]).toBe('snappy-debug  following file recorded.log  snap: all');
  });

  it('zooms the detail with Enter and scrolls it with j', async () => {
    const { lastFrame, stdin } = app({ size: { columns: 80, rows: 14 } });
    await tick();
    stdin.write('G');
    await tick();
    stdin.write('\r');
    await tick();
    let frame = lines(lastFrame());
    expect(frame[2]).toBe('── detail lines 1-9/18 (j/k scroll, Tab/Esc back) ──────────────────────────────');
    expect(frame[3]).toBe('AppArmor DENIED  foo.app  open /etc/fstab (read)');
    stdin.write('G');
    await tick();
    frame = lines(lastFrame());
    expect(frame[2]).toBe('── detail lines 10-18/18 (j/k scroll, Tab/Esc back) ────────────────────────────');
    expect(frame[3]).toBe('  path: /etc/fstab');
    expect(frame.slice(8, 13)).toEqual([
      'Suggestions (0):',
      '  (none yet)',
      'Occurrences (last 1 of 1):',
      '  2026-03-13 15:17:16.000  pid 1773415036  app  DENIED',
      ' 3/3  no filter  sort count                                      PAUSED  ? help',
    ]);
  });

  it('exports the view and shows the path, or the error in one line', async () => {
    const written: { path: string | undefined; markdown: string }[] = [];
    const ok = app({
      writeReport: async (path, markdown) => {
        written.push({ path, markdown });
        return '/tmp/reports/r.md';
      },
    });
    await tick();
    ok.stdin.write('e');
    expect(await lineBecomes(ok.lastFrame, 23, 'exported 3 groups to /tmp/reports/r.md')).toBe(
      'exported 3 groups to /tmp/reports/r.md',
    );
    expect(written[0]!.path).toBeUndefined();
    expect(written[0]!.markdown).toContain('- View: all snaps, all kinds, no filter, sorted by count');
    ok.unmount();
    const failing = app({
      writeReport: async () => Promise.reject(new Error('cannot write /nope/r.md (ENOENT)')),
    });
    await tick();
    failing.stdin.write(':export /nope/r.md\r');
    const failure = 'export failed: cannot write /nope/r.md (ENOENT)';
    expect(await lineBecomes(failing.lastFrame, 23, failure)).toBe(failure);
  });

  it('adds live denials in batches: new groups appear and counts tick up', async () => {
    const queue: Denial[] = [];
    let wake: (() => void) | undefined;
    async function* live(): AsyncGenerator<Denial> {
      for (;;) {
        while (queue.length > 0) yield queue.shift()!;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    }
    const push = (...denials: Denial[]) => {
      queue.push(...denials);
      wake?.();
    };
    const { lastFrame } = app({ store: new GroupStore(), denials: live(), flushMs: 20 });
    await tick();
    expect(lines(lastFrame())[3]).toBe('  waiting for denials...');
    push(fileDenial('foo', 'app', '/etc/shadow', 1_773_415_100));
    await tick(80);
    expect(lines(lastFrame())[3]).toBe(
      '› AA DENIED       1 15:18:20        █ foo.app            open /etc/shadow (read)',
    );
    push(
      fileDenial('foo', 'app', '/etc/shadow', 1_773_415_101),
      syscallDenial('foo', 'app', 1, 1_773_415_102, 'exit'),
    );
    await tick(80);
    const frame = lines(lastFrame());
    expect(frame[1]).toBe('1:AppArmor 2  2:seccomp 1  3:cgroup 0   2 groups  7 lines  1 unparsed  0 gaps');
    expect(frame[3]).toBe('  AA DENIED       2 15:18:21        █ foo.app            open /etc/shadow (read)');
    expect(frame[4]).toBe('› SC DENIED       1 15:18:22        █ foo.app            syscall exit');
  });

  it('clears every group with :clear', async () => {
    const { lastFrame, stdin } = app();
    await tick();
    stdin.write(':clear\r');
    expect(await lineBecomes(lastFrame, 23, 'cleared all groups')).toBe('cleared all groups');
    const frame = lines(lastFrame());
    expect(frame[1]).toBe('1:AppArmor 0  2:seccomp 0  3:cgroup 0   0 groups  7 lines  1 unparsed  0 gaps');
    expect(frame[3]).toBe('  waiting for denials...');
  });

  it('adds the first-seen column when the terminal is wide enough', async () => {
    const { lastFrame } = app({ size: { columns: 100, rows: 24 } });
    await tick();
    expect(lines(lastFrame())[2]).toBe(
      '  K  DECISION COUNT LAST     FIRST    RATE     SNAP.APP           WHAT',
    );
  });
});

describe('theme', () => {
  it('drops every colour without NO_COLOR-unsafe styling, keeping emphasis', () => {
    const plain = makeTheme(false);
    for (const style of Object.values(plain)) expect(style.color).toBeUndefined();
    expect(plain.selected).toEqual({ inverse: true });
    expect(makeTheme(true).denied).toEqual({ bold: true, color: 'red' });
  });
});

export type { Denial };
