import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../support/build.js';
import { makeTestSnap, type TestSnap } from '../system/support/snaps.js';
import { killServer, Pane } from './tmux.js';

const NAME = 'sd-ui-runs';
const YAML = `name: ${NAME}
version: '1'
confinement: strict
apps:
  app:
    command: bin/check
    plugs: [fuse-support]
`;
/** Runs the probes and fails when any of them was refused. */
const CHECK = `#!/bin/sh
out=$("$SNAP/bin/snap-app" "$@")
echo "$out"
case "$out" in *errno=*) echo "refused" >&2; exit 1 ;; esac
`;
const FIXTURE = join(ROOT, 'test/tui/fixtures/recorded.log');
const CLI = join(ROOT, 'dist/src/main.js');
const START_TIMEOUT = 45_000;
/** A run prepares a policy, starts the launcher and reads its report: seconds on a busy machine. */
const RUN_TIMEOUT = 40_000;

let workDir: string;
let snap: TestSnap;
let snapFile: string;

function row(screen: readonly string[], text: string): string {
  const found = screen.find((line) => line.includes(text));
  if (found === undefined) throw new Error(`no row with "${text}" in:\n${screen.join('\n')}`);
  return found;
}

beforeAll(() => {
  ensureBuilt();
  execFileSync('make', ['-s', '-C', join(ROOT, 'native')], { stdio: 'ignore' });
  workDir = mkdtempSync(join(tmpdir(), 'snappy-debug-runs-'));
  copyFileSync(FIXTURE, join(workDir, 'recorded.log'));
  snap = makeTestSnap(YAML);
  writeFileSync(join(snap.dir, 'bin/check'), CHECK);
  chmodSync(join(snap.dir, 'bin/check'), 0o755);
  snapFile = join(workDir, `${NAME}.snap`);
  execFileSync('mksquashfs', [snap.dir, snapFile, '-noappend', '-all-root', '-no-progress', '-quiet']);
}, 120_000);

afterAll(() => {
  killServer();
  snap?.cleanup();
  rmSync(workDir, { recursive: true, force: true });
  rmSync(`/var/snap/${NAME}`, { recursive: true, force: true });
  rmSync(`/root/snap/${NAME}`, { recursive: true, force: true });
});

describe('strict and devmode runs from the UI, under tmux at 100x30', () => {
  let pane: Pane;
  beforeAll(async () => {
    const command = `node ${CLI} scanlog --file recorded.log --no-follow --snap ${NAME}.snap --user root ${NAME}`;
    pane = Pane.start('runs', command, {
      columns: 100,
      rows: 30,
      cwd: workDir,
      env: {
        SNAPPY_DEBUG_CONNECTIONS: join(workDir, 'connections.json'),
        SNAPPY_DEBUG_OVERLAYS: join(workDir, 'overlays'),
      },
    });
    await pane.waitForText('end of input', START_TIMEOUT);
  }, START_TIMEOUT + 5_000);
  afterAll(() => pane.kill());

  let runs = 0;
  /**
   * Sends `keys` and waits for that run's result (the panel numbers runs from #1). When the
   * launcher reported fewer than `denials` — the kernel's seccomp record can go to a concurrent
   * test's auditd instead of the log — `again` runs the same mode once or twice more: what the
   * launcher reports is its own tests' matter; this test is about showing it.
   */
  async function run(keys: readonly string[], again: 'r' | 'd', denials: number): Promise<string[]> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const id = ++runs;
      pane.send(attempt === 0 ? [...keys] : [again]);
      const screen = await pane.waitFor(
        (s) => s.some((l) => l.startsWith(`#${id} `) && / (?:exit \d+,|could not run)/.test(l)),
        `run #${id}`,
        RUN_TIMEOUT,
      );
      if (row(screen, `#${id} `).endsWith(` ${denials} denials`)) return screen;
    }
    throw new Error(`three runs without ${denials} denials`);
  }

  it('shows the idle indicator, and asks for the app once, prefilled with the first app', async () => {
    expect(pane.screen()[0]).toBe(`snappy-debug  idle  read file recorded.log  snap: ${NAME}`);
    pane.send(['r']);
    await pane.waitForText(`run ${NAME}.app`);
    pane.send([' ioprio open /dev/fuse w'], true);
    const screen = await run(['Enter'], 'r', 2);
    expect(screen[0]).toBe(`snappy-debug  STRICT exit 1  read file recorded.log  snap: ${NAME}`);
  });

  it('shows the strict run: exit status, its seccomp and device denials, output, marked groups', async () => {
    const screen = pane.screen();
    const headline = row(screen, `#${runs} STRICT ${NAME}.app ioprio open /dev/fuse w: exit 1,`);
    expect(headline).toMatch(/: exit 1, \d+ ms, 2 denials$/);
    expect(row(screen, '◆ denials')).toBe(
      '◆ denials: device c 10:229 (/dev/fuse) DENIED, seccomp ioprio_set DENIED',
    );
    expect(screen).toContain('ioprio errno=EPERM');
    expect(screen).toContain('open /dev/fuse errno=EPERM');
    expect(screen).toContain('refused');
    // The run's denials are in the list too, marked, though the followed file never had them.
    expect(row(screen, 'syscall ioprio_set')).toMatch(
      /^.◆SC DENIED +\d+ .* sd-ui-runs\.app +syscall ioprio_set$/,
    );
    expect(row(screen, '/dev/fuse')).toMatch(
      /^.◆CG DENIED +\d+ .* sd-ui-runs\.app +device c 10:229 \/dev\/fuse w$/,
    );
    expect(row(screen, 'STRICT run of snap.sd-ui-runs.app: exit 1')).toMatch(/2 denials$/);
  });

  it('switches to devmode and runs again with one key, keeping the strict run', async () => {
    const screen = await run(['m'], 'd', 2);
    expect(screen[0]).toBe(`snappy-debug  DEVMODE exit 0  read file recorded.log  snap: ${NAME}`);
    expect(row(screen, `#${runs} DEVMODE ${NAME}.app ioprio open /dev/fuse w: exit 0,`)).toMatch(
      /2 denials$/,
    );
    expect(row(screen, '◆ denials')).toBe(
      '◆ denials: device c 10:229 (/dev/fuse) ALLOWED, seccomp ioprio_set ALLOWED',
    );
    expect(row(screen, 'previous: #')).toMatch(/^previous: #\d+ STRICT .*: exit 1, \d+ ms, 2 denials$/);
    expect(screen).toContain('ioprio ok');
  });

  it('compares the last strict and devmode runs side by side with the verdict', async () => {
    pane.send(['c']);
    const screen = await pane.waitForText('verdict:', RUN_TIMEOUT);
    expect(row(screen, 'STRICT')).toMatch(/^STRICT +│ DEVMODE$/);
    expect(row(screen, 'exit 1,')).toMatch(/^exit 1, \d+ ms, 2 denials +│ exit 0, \d+ ms, 2 denials$/);
    expect(row(screen, 'ioprio errno=EPERM')).toMatch(/^ioprio errno=EPERM +│ ioprio ok$/);
    // In the order strict's launcher reported them, which varies.
    const only = row(screen, 'only strict enforces: ').slice('only strict enforces: '.length);
    expect(only.split(', ').sort()).toEqual(['device c 10:229 (/dev/fuse)', 'seccomp ioprio_set']);
    expect(screen).toContain('- ioprio errno=EPERM');
    expect(screen).toContain('+ ioprio ok');
    expect(screen.join('\n')).toMatch(
      /verdict: strict exits 1 where devmode exits 0, and stdout and stderr differ; the denials only strict/,
    );
    pane.send(['c']);
    await pane.waitFor((s) => !s.some((l) => l.startsWith('verdict:')), 'the compare view closed');
  });

  it('allows both denials in the overlay from the list, then strict runs clean', async () => {
    const overlayFile = join(workDir, 'overlays', `${NAME}.json`);
    for (const [target, exact] of [
      ['/dev/fuse', 'device: c 10:229 (/dev/fuse)'],
      ['syscall ioprio_set', 'seccomp: ioprio_set'],
    ] as const) {
      pane.send(['g']);
      const top = await pane.waitFor((s) => s[3]!.startsWith('›'), 'the first row selected');
      // Rows of equal count may come in either order: go to the wanted one.
      if (!top[3]!.includes(target)) pane.send(['j']);
      await pane.waitFor((s) => row(s, target).startsWith('›'), `the ${target} row selected`);
      pane.send(['a']);
      const chooser = await pane.waitForText('allow it in the overlay with');
      expect(row(chooser, '› 1.')).toContain(exact);
      // The exact rule comes first, then the suggested interfaces.
      expect(row(chooser, '  2. connect: ')).toMatch(/^ {2}2\. connect: [a-z-]+ {3}\(/);
      pane.send(['Enter']);
      await pane.waitForText(`overlay saved to ${overlayFile}: `);
    }
    pane.send(['o']);
    const list = await pane.waitForText(`file: ${overlayFile}`);
    expect(row(list, 'overlay of sd-ui-runs: 2 entries')).toMatch(/^── overlay of sd-ui-runs: 2 entries ─+$/);
    expect(
      list
        .filter((l) => /^[› ] \d\. /.test(l))
        .map((l) => l.slice(5).split('   (')[0])
        .sort(),
    ).toEqual(['device: c 10:229 (/dev/fuse)', 'seccomp: ioprio_set']);
    pane.send(['Escape']);
    // Esc and a key sent at once read as Meta+key: wait for the list to close first.
    await pane.waitFor((s) => !s.some((l) => l.startsWith('file: ')), 'the overlay list closed');
    const screen = await run(['r'], 'r', 0);
    expect(screen[0]).toBe(`snappy-debug  STRICT exit 0 +2 overlay  read file recorded.log  snap: ${NAME}`);
    expect(row(screen, `#${runs} STRICT ${NAME}.app ioprio open /dev/fuse w: exit 0,`)).toMatch(
      /ms, 0 denials$/,
    );
    expect(screen).toContain('ioprio ok');
    expect(screen).toContain('open /dev/fuse ok');
    expect(row(screen, '· overlay ')).toBe(`· overlay ${overlayFile}: 2 entries applied`);
  });

  it('toggles @unrestricted loudly, removes an entry, and exports the overlay', async () => {
    pane.send(['U']);
    // The file's path is long: the line is cut at the screen's edge.
    let screen = await pane.waitForText('2 entries, seccomp @unrest');
    expect(screen[0]).toMatch(
      /^snappy-debug {2}STRICT exit 0 \+2 overlay {2}SECCOMP @unrestricted {2}read file/,
    );
    pane.send(['U']);
    await pane.waitFor((s) => !s[0]!.includes('@unrestricted'), '@unrestricted off');
    pane.send(['o']);
    await pane.waitForText('2 entries');
    pane.send(['x']);
    // The list redraws first, then the save names the file.
    screen = await pane.waitFor((s) => s.some((l) => /^overlay saved to .*: 1 entry$/.test(l)), 'the save');
    expect(row(screen, 'overlay of sd-ui-runs')).toMatch(/^── overlay of sd-ui-runs: 1 entry ─+$/);
    pane.send(['Escape']);
    await pane.waitFor((s) => !s.some((l) => l.startsWith('file: ')), 'the overlay list closed');
    pane.send(['E']);
    screen = await pane.waitForText('overlay exported to');
    expect(row(screen, 'overlay exported to')).toBe(`overlay exported to ./snappy-debug-overlay-${NAME}.md`);
    const exported = readFileSync(join(workDir, `snappy-debug-overlay-${NAME}.md`), 'utf8');
    expect(exported).toMatch(new RegExp(`^# Policy overlay of snap ${NAME}\n`));
    expect(exported).toContain('## Draft interface policy');
  });
});

describe('scanlog --snap and --user', () => {
  it.each([
    [
      ['--snap', 'x.snap'],
      'snappy-debug: scanlog: --snap PATH needs the SNAP it holds (scanlog --snap PATH SNAP)\n',
    ],
    [['--user', 'root'], 'snappy-debug: scanlog: --user goes with a SNAP to run\n'],
  ])('%j without SNAP is one line and exit 2', (args, message) => {
    const result = spawnSync('node', [CLI, 'scanlog', '--no-follow', ...args], { encoding: 'utf8' });
    expect([result.status, result.stderr, result.stdout]).toEqual([2, message, '']);
  });
});
