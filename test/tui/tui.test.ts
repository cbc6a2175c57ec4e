import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../support/build.js';
import { killServer, Pane } from './tmux.js';

const FIXTURE = join(ROOT, 'test/tui/fixtures/recorded.log');
/** The fixture as the panes see it: copied into their working directory, so that the screen does
 * not depend on where the repository is checked out (the header shows the path). */
const RECORDED = 'recorded.log';
const CLI = join(ROOT, 'dist/src/main.js');
const CRASH = join(ROOT, 'test/tui/crash-tui.mjs');
/** The real command on a recorded log; the UI stays open after the end of input until q. */
const SCANLOG_RECORDED = `node ${CLI} scanlog --file ${RECORDED} --no-follow`;
/** Start-up loads the rules and Ink; on a busy 2-core machine that can take several seconds. */
const START_TIMEOUT = 45_000;
const COLOUR_SGR = new RegExp(String.raw`\u001b\[(?:[0-9;]*;)?(?:3[0-7]|9[0-7]|38;5;\d+)(?:;[0-9;]*)?m`);

let workDir: string;

beforeAll(() => {
  ensureBuilt();
  workDir = mkdtempSync(join(tmpdir(), 'snappy-debug-tui-'));
  copyFileSync(FIXTURE, join(workDir, RECORDED));
}, 120_000);

afterAll(() => {
  killServer();
  rmSync(workDir, { recursive: true, force: true });
});

function row(screen: readonly string[], text: string): string {
  const found = screen.find((line) => line.includes(text));
  if (found === undefined) throw new Error(`no row with "${text}" in:\n${screen.join('\n')}`);
  return found;
}

describe('the UI on a recorded log at 80x24', () => {
  let pane: Pane;
  beforeAll(async () => {
    pane = Pane.start('recorded', SCANLOG_RECORDED, { columns: 80, rows: 24, cwd: workDir });
    await pane.waitFor(
      (s) => s.some((l) => l.includes('20 lines')) && s.some((l) => l.includes('end of input')),
      'all 20 lines read',
      START_TIMEOUT,
    );
  }, START_TIMEOUT + 5_000);
  afterAll(() => pane.kill());

  it('shows the source, counts per kind, the groups with rate and the status bar', () => {
    const screen = pane.screen();
    expect(screen).toHaveLength(24);
    expect(pane.alternateScreen()).toBe(true);
    expect(screen[0]).toBe(`snappy-debug  read file ${RECORDED}  snap: all`);
    expect(screen[1]).toBe(
      '1:AppArmor 10  2:seccomp 7  3:cgroup 2   11 groups  20 lines  0 unparsed  0 gaps',
    );
    expect(screen[2]).toBe('  K  DECISION COUNT LAST     RATE     SNAP.APP           WHAT');
    expect(screen[3]).toBe('  SC ALLOWED      5 15:18:14      ▆█  rt-app.edf         syscall sched_setattr');
    expect(screen[4]).toBe(
      '  AA DENIED       3 15:17:56     ▄█   hello-world.evil   mknod /var/tmp/myevil.…',
    );
    // Two /proc/PID/mounts denials of different processes are one group.
    expect(screen[6]).toBe(
      '  AA DENIED       2 15:18:09       █  tizonia.tizonia    open /proc/@{pid}/moun…',
    );
    // Following: the cursor is on the group with the newest event, whose name is not known.
    expect(screen[7]).toBe(
      '› SC ALLOWED      1 15:18:46        █ rt-app.edf         syscall 999 (unresolve…',
    );
    expect(screen[14]).toBe('Syscall: 999 (name not resolved) on x86_64, audit arch c000003e, compat=0');
    expect(screen[22]).toBe(
      ' 5/11  no filter  sort count                                  FOLLOWING  ? help',
    );
    expect(screen[23]).toBe('end of input: the UI stays open, q quits');
  });

  it('moves with g and j, pauses, and shows the selected group in the detail pane', async () => {
    pane.send(['g']);
    let screen = await pane.waitForText(' 1/11 ');
    expect(row(screen, 'sched_setattr')).toMatch(/^› SC ALLOWED {6}5 /);
    expect(screen[22]).toContain('PAUSED');
    expect(screen).toContain('Syscall: sched_setattr (314) on x86_64, audit arch c000003e, compat=0');
    pane.send(['j', 'j', 'Down']);
    screen = await pane.waitForText(' 4/11 ');
    expect(screen[12]).toBe('AppArmor DENIED  tizonia.tizonia  open /proc/@{pid}/mounts (read)');
  });

  it('opens the detail full screen with Enter, scrolls to the occurrences, and goes back with Escape', async () => {
    pane.send(['Enter']);
    let screen = await pane.waitForText('(j/k scroll, Tab/Esc back)');
    expect(screen[3]).toBe('AppArmor DENIED  tizonia.tizonia  open /proc/@{pid}/mounts (read)');
    pane.send(['G']);
    screen = await pane.waitForText('Occurrences (last 2 of 2):');
    expect(screen.slice(-5, -2)).toEqual([
      'Occurrences (last 2 of 2):',
      '  2026-03-13 15:18:09.141  pid 29914  audio_source  DENIED',
      '  2026-03-13 15:18:06.140  pid 29913  audio_source  DENIED',
    ]);
    pane.send(['Escape']);
    screen = await pane.waitForText('  K  DECISION');
    expect(row(screen, 'tizonia')).toMatch(/^› /);
  });

  it('filters with / (regex over fields), shows the match count, and Escape clears it', async () => {
    pane.send(['/']);
    pane.send(['old32'], true);
    pane.send(['Enter']);
    const screen = await pane.waitForText('filter regex "old32": 1 match');
    expect(screen[3]).toBe(
      '› SC DENIED       1 15:18:00       █  legacy-tool.run    syscall exit (x86 comp…',
    );
    expect(screen).toContain('Syscall: exit (1) on x86, audit arch 40000003, compat=1');
    pane.send(['Escape']);
    expect((await pane.waitForText('filter cleared'))[22]).toMatch(/^ \d+\/11 {2}no filter/);
  });

  it('hides and shows a kind with 2, sorts with s, marks reviewed with x and hides them with h', async () => {
    pane.send(['2']);
    let screen = await pane.waitForText('2:seccomp off');
    expect(screen.slice(3, 11).some((line) => line.includes(' SC '))).toBe(false);
    pane.send(['2', 's']);
    screen = await pane.waitForText('sort last seen');
    expect(screen[3]).toMatch(/^. SC ALLOWED {6}1 15:18:46 .* syscall 999/);
    pane.send(['g', 'x']);
    screen = await pane.waitFor((s) => s[3]!.startsWith('›✓'), 'a reviewed mark');
    pane.send(['h']);
    screen = await pane.waitForText('reviewed hidden');
    expect(screen[22]).toMatch(/^ 1\/10 /);
    expect(screen.some((line) => line.includes('syscall 999'))).toBe(false);
    pane.send(['h', 's', 's']);
    await pane.waitForText('sort count');
  });

  it('runs : commands: snap filter, an honest answer for source, and a clear error', async () => {
    pane.send([':']);
    pane.send(['snap tizonia'], true);
    pane.send(['Enter']);
    let screen = await pane.waitForText('snap: tizonia');
    expect(screen[22]).toMatch(/^ 1\/1 /);
    pane.send([':']);
    pane.send(['snap'], true);
    pane.send(['Enter']);
    await pane.waitForText('snap: all');
    pane.send([':']);
    pane.send(['source kmsg'], true);
    pane.send(['Enter']);
    screen = await pane.waitForText('restart with --source kmsg');
    expect(screen[23]).toBe('cannot switch the source while running: restart with --source kmsg');
  });

  it('exports the view to a Markdown file whose path it shows, and reports a failure in one line', async () => {
    pane.send(['e']);
    const screen = await pane.waitForText('exported 11 groups to ');
    const shown = screen[23]!.replace('exported 11 groups to ', '');
    expect(shown).toMatch(/^\.\/snappy-debug-report-\d{8}-\d{6}\.md$/);
    const path = join(workDir, shown);
    expect(existsSync(path)).toBe(true);
    const report = readFileSync(path, 'utf8');
    expect(report).toContain(`- Source: file ${RECORDED}`);
    expect(report).toContain('| 1 | seccomp | ALLOWED | rt-app.edf | syscall sched_setattr | 5 |');
    // The suggestions themselves come from rules/ and are tested there; the report has its sections.
    expect(report).toContain('\n## Suggested plugs\n');
    expect(report).toContain('\n### 1. syscall sched_setattr\n');
    pane.send([':']);
    pane.send(['export /nonexistent/dir/r.md'], true);
    pane.send(['Enter']);
    const failed = await pane.waitForText('export failed');
    expect(failed[23]).toBe('export failed: cannot write /nonexistent/dir/r.md (ENOENT)');
  });

  it('reflows on resize', async () => {
    pane.resize(100, 30);
    let screen = await pane.waitForText('FIRST');
    expect(screen).toHaveLength(30);
    expect(screen[2]).toBe('  K  DECISION COUNT LAST     FIRST    RATE     SNAP.APP           WHAT');
    expect(screen[28]).toMatch(/^ \d+\/11 .* (?:FOLLOWING|PAUSED) {2}\? help$/);
    expect(row(screen, 'tizonia')).toMatch(/ open \/proc\/@\{pid\}\/mounts \(read\)$/);
    pane.resize(80, 24);
    screen = await pane.waitFor(
      (s) =>
        s.length === 24 && !s[2]!.includes('FIRST') && s.some((line) => line.endsWith('/proc/@{pid}/moun…')),
      'the 80x24 layout',
    );
    expect(screen[22]).toMatch(/^ \d+\/11 .* (?:FOLLOWING|PAUSED) {2}\? help$/);
  });

  it('shows the key table with ?, closes it with q, quits with q and restores the terminal', async () => {
    pane.send(['?']);
    let screen = await pane.waitForText('snappy-debug keys');
    // Two columns at 80x24: the table is longer than the screen.
    expect(screen.some((l) => /^ {2}f {11}follow the newest denial/.test(l))).toBe(true);
    pane.send(['q']);
    await pane.waitForText('  K  DECISION');
    pane.send(['q']);
    screen = await pane.waitForText('EXIT=0');
    expect(pane.alternateScreen()).toBe(false);
    expect(screen.some((line) => line.includes('K  DECISION'))).toBe(false);
  });
});

describe('the UI while denials arrive (scanlog --file --follow on a growing log)', () => {
  const recorded = () => readFileSync(FIXTURE, 'utf8').trimEnd().split('\n');
  let pane: Pane;
  let live: string;
  beforeAll(() => {
    live = join(workDir, 'live.log');
    writeFileSync(live, `${recorded()[0]}\n`);
    pane = Pane.start('live', `node ${CLI} scanlog --file ${live} --follow`, {
      columns: 80,
      rows: 24,
      cwd: workDir,
    });
  });
  afterAll(() => pane.kill());

  it(
    'shows new groups and ticking counts as lines are appended',
    async () => {
      const early = await pane.waitForText('hello-world.evil', START_TIMEOUT);
      expect(row(early, 'hello-world.evil')).toMatch(/^. AA DENIED {7}1 /);
      expect(early[1]).toContain(' 1 groups  1 lines ');
      for (const line of recorded().slice(1, 3)) appendFileSync(live, `${line}\n`);
      const ticked = await pane.waitFor(
        (s) => s.some((line) => /^. AA DENIED {7}3 .*hello-world\.evil/.test(line)),
        'the mknod count to reach 3',
      );
      expect(ticked[1]).toContain(' 1 groups  3 lines ');
      appendFileSync(live, `${recorded().slice(3).join('\n')}\n`);
      const all = await pane.waitForText(' 11 groups  20 lines ');
      expect(all[22]).toMatch(/^ 5\/11 .* FOLLOWING {2}\? help$/);
      expect(all.some((line) => line.includes('end of input'))).toBe(false);
    },
    START_TIMEOUT + 30_000,
  );

  it('leaves the alternate screen on q while the source is still being followed', async () => {
    pane.send(['q']);
    await pane.waitFor(() => !pane.alternateScreen(), 'the normal screen back', 10_000);
  });

  it('ends the process after q (scanlog must stop its follower when runTui returns)', async () => {
    await pane.waitForText('EXIT=0', 10_000);
  });
});

describe('colours and exits', () => {
  it('uses colours by default and none with NO_COLOR, keeping the inverse status bar', async () => {
    const coloured = Pane.start('coloured', SCANLOG_RECORDED, {
      columns: 80,
      rows: 24,
      cwd: workDir,
    });
    const plain = Pane.start('plain', SCANLOG_RECORDED, {
      columns: 80,
      rows: 24,
      cwd: workDir,
      env: { NO_COLOR: '1' },
    });
    try {
      await coloured.waitForText('end of input', START_TIMEOUT);
      await plain.waitForText('end of input', START_TIMEOUT);
      expect(coloured.screenWithColours()).toMatch(COLOUR_SGR);
      const withoutColour = plain.screenWithColours();
      expect(withoutColour).not.toMatch(COLOUR_SGR);
      expect(withoutColour).toContain('\u001b[7m');
    } finally {
      coloured.kill();
      plain.kill();
    }
  });

  it('restores the terminal when killed with SIGTERM', async () => {
    const pane = Pane.start('killed', SCANLOG_RECORDED, { columns: 80, rows: 24, cwd: workDir });
    try {
      await pane.waitForText('end of input', START_TIMEOUT);
      expect(pane.alternateScreen()).toBe(true);
      process.kill(pane.childPid('node'), 'SIGTERM');
      await pane.waitForText('EXIT=143');
      expect(pane.alternateScreen()).toBe(false);
    } finally {
      pane.kill();
    }
  });

  it('restores the terminal after an uncaught exception and says what happened', async () => {
    const pane = Pane.start('crash', `node ${CRASH}`, { columns: 80, rows: 24, cwd: workDir });
    try {
      await pane.waitForText('waiting for denials...', START_TIMEOUT);
      expect(pane.alternateScreen()).toBe(true);
      execFileSync('pkill', ['-USR1', '-f', `^node ${CRASH}`]);
      const screen = await pane.waitForText('EXIT=70');
      expect(pane.alternateScreen()).toBe(false);
      // The message (with its stack) may wrap at 80 columns.
      expect(screen.join('')).toContain(
        'snappy-debug: internal error: Error: deliberate crash for the terminal-restore test',
      );
    } finally {
      pane.kill();
    }
  });
});
