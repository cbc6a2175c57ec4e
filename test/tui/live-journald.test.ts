import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../support/build.js';
import { killServer, Pane } from './tmux.js';

const CLI = join(ROOT, 'dist/src/main.js');
const TRIGGER = join(ROOT, 'native/build/helpers/seccomp-trigger');
/** getuid: harmless with zero arguments, and not the syscall other suites trigger. */
const GETUID = 102;

let workDir: string;

beforeAll(() => {
  ensureBuilt();
  execFileSync('bash', [join(ROOT, 'scripts/daemons.sh'), 'start'], { stdio: 'ignore' });
  execFileSync('make', ['-s', '-C', join(ROOT, 'native')], { stdio: 'ignore' });
  workDir = mkdtempSync(join(tmpdir(), 'snappy-debug-tui-live-'));
}, 120_000);

afterAll(() => {
  killServer();
  rmSync(workDir, { recursive: true, force: true });
});

describe('the UI following real journald', () => {
  it('shows a real seccomp denial as it happens, with its syscall name, and ticks its count', async () => {
    const pane = Pane.start('journald', `node ${CLI} scanlog --source journald --include-unconfined`, {
      columns: 100,
      rows: 30,
      cwd: workDir,
    });
    try {
      await pane.waitForText('journald (sd-journal --follow)', 45_000);
      // The UI draws before journalctl is positioned; a short settle keeps the first denial in view.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const triggeredAt = Date.now();
      const output = execFileSync(TRIGGER, [`--syscall=${GETUID}`], { encoding: 'utf8' });
      expect(output).toMatch(/ syscall=102 action=errno count=1 result=-1 errno=1$/m);
      const screen = await pane.waitForText('syscall getuid', 10_000);
      console.log(`seccomp denial on screen ${Date.now() - triggeredAt} ms after the trigger`);
      const row = screen.find((line) => line.includes('syscall getuid'))!;
      expect(row).toMatch(
        /^. SC DENIED {7}1 \d\d:\d\d:\d\d \d\d:\d\d:\d\d .* \(seccomp-trigger\) +syscall getuid$/,
      );
      execFileSync(TRIGGER, [`--syscall=${GETUID}`, '--count=3'], { encoding: 'utf8' });
      const ticked = await pane.waitFor(
        (s) => s.some((line) => /^. SC DENIED {7}4 .*syscall getuid$/.test(line)),
        'the getuid group to count 4',
        10_000,
      );
      expect(ticked).toContain('Syscall: getuid (102) on x86_64, audit arch c000003e, compat=0');
    } finally {
      pane.kill();
    }
  });
});
