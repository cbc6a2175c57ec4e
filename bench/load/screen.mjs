// The UI in a real terminal for bench/load.mjs: a private tmux server with one session, what its
// screen shows, and a poller that times how long something takes to appear on it.
import { execFile, execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const SESSION = 'load';

/** What the UI shows: its seccomp count, gaps, lines, whether AppArmor is hidden, and the marker group's count. */
export function readScreen(lines, markerSyscall) {
  const header = lines[1] ?? '';
  const marker = lines.find((l) => l.includes(`syscall ${markerSyscall}`));
  return {
    seccomp: Number(/2:seccomp (\d+)/.exec(header)?.[1] ?? NaN),
    apparmorOff: /1:AppArmor off/.test(header),
    gaps: Number(/ (\d+) gaps/.exec(header)?.[1] ?? NaN),
    lines: Number(/ (\d+) lines/.exec(header)?.[1] ?? NaN),
    markers: marker ? Number(/^. SC \w+ +(\d+) /.exec(marker)?.[1] ?? 0) : 0,
  };
}

export class Terminal {
  /** `socket` names a private tmux server; `markerSyscall` the marker group's syscall name. */
  constructor(socket, markerSyscall) {
    this.socket = socket;
    this.markerSyscall = markerSyscall;
  }

  tmux(...args) {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  /** Runs `command` (a shell command line) in a terminal of columns x rows, as a person's terminal. */
  start(command, columns, rows) {
    const ci = Object.keys(process.env).filter(
      (k) => k === 'CI' || k === 'CONTINUOUS_INTEGRATION' || k.startsWith('CI_'),
    );
    const line = ['env', ...ci.map((k) => `-u ${k}`), 'TERM=xterm-256color', command].join(' ');
    this.tmux(
      'new-session',
      '-d',
      '-s',
      SESSION,
      '-x',
      `${columns}`,
      '-y',
      `${rows}`,
      `${line}; echo "EXIT=$?"; sleep 600`,
    );
    this.tmux('set-option', '-t', SESSION, 'window-size', 'manual');
  }

  async lines() {
    const { stdout } = await run('tmux', ['-L', this.socket, 'capture-pane', '-p', '-t', SESSION]);
    return stdout.split('\n');
  }

  async read() {
    return readScreen(await this.lines(), this.markerSyscall);
  }

  /** Polls until `check(shown)` holds; fails with the last screen. */
  async waitFor(check, what, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lines = await this.lines();
      const shown = readScreen(lines, this.markerSyscall);
      if (check(shown)) return shown;
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}; screen:\n${lines.join('\n')}`);
      await sleep(100);
    }
  }

  press(key) {
    this.tmux('send-keys', '-t', SESSION, key);
  }

  /** The pid of the program the pane runs (named `command`). */
  programPid(command) {
    const shell = this.tmux('display-message', '-p', '-t', SESSION, '#{pane_pid}').trim();
    return Number(
      execFileSync('pgrep', ['-P', shell, '-x', command], { encoding: 'utf8' }).trim().split('\n')[0],
    );
  }

  /** Ends the server and removes its socket, which tmux leaves behind. */
  kill() {
    try {
      this.tmux('kill-server');
    } catch {
      // no server left
    }
    const dir = join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`);
    rmSync(join(dir, this.socket), { force: true });
  }
}

/**
 * One poller for everything awaited on screen: each expectation is checked on every capture and
 * settled with the time from its start to the first capture that satisfies it.
 */
export class ScreenWatch {
  pending = [];
  running = false;
  /** Every capture's time and marker count, for timing markers afterwards (see markersOnScreen). */
  captures = [];

  /** `pollMs` between captures while something is awaited; each capture is one tmux client run. */
  constructor(terminal, pollMs) {
    this.terminal = terminal;
    this.pollMs = pollMs;
  }

  /**
   * Resolves with the milliseconds from `started` to the first screen where `check` holds, or with
   * null after `timeoutMs` or giveUp().
   */
  expect(check, started = Date.now(), timeoutMs = Infinity) {
    return new Promise((resolve) => {
      this.pending.push({ check, started, resolve, deadline: started + timeoutMs });
      if (!this.running) void this.poll();
    });
  }

  async poll() {
    this.running = true;
    while (this.pending.length > 0) {
      const shown = await this.terminal.read();
      const at = Date.now();
      this.captures.push({ at, markers: shown.markers });
      this.pending = this.pending.filter((p) => {
        if (p.check(shown)) p.resolve(at - p.started);
        else if (at > p.deadline) p.resolve(null);
        else return true;
        return false;
      });
      await sleep(this.pollMs);
    }
    this.running = false;
  }

  /** Settles everything still awaited with null: it never appeared. */
  giveUp() {
    for (const p of this.pending) p.resolve(null);
    this.pending = [];
  }
}

/**
 * Marker to screen, worked out after the run: the k-th marker the UI actually received is on
 * screen at the first capture showing k markers. (Waiting for the n-th marker *emitted* would time
 * every marker after one the system lost to the next one, a second later.) `received` are the
 * audit times of the markers the UI's trace saw; a marker is matched to the nearest within 500 ms.
 * Returns the delays of the markers shown, and how many the system never delivered or we never showed.
 */
export function markersOnScreen(markerTimes, received, captures, markersBefore) {
  const delivered = markerTimes.filter((t) => received.some((r) => Math.abs(r - t) < 500));
  const delays = [];
  let neverShown = 0;
  delivered.forEach((emittedAt, i) => {
    const capture = captures.find((c) => c.at >= emittedAt && c.markers - markersBefore >= i + 1);
    if (capture) delays.push(capture.at - emittedAt);
    else neverShown++;
  });
  return { delays, neverShown, notDelivered: markerTimes.length - delivered.length };
}
