import { execFileSync } from 'node:child_process';

/** A private tmux server, so tests never touch anyone else's sessions. */
const SOCKET = `snappy-debug-tui-${process.pid}`;

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export interface PaneOptions {
  readonly columns: number;
  readonly rows: number;
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string>>;
}

const SERVER_GONE_RETRIES = 40;
const SERVER_GONE_WAIT_MS = 50;

/**
 * tmux new-session with `args`. When a test's last session was just killed, the server is still
 * exiting: a client that reaches it then fails with "server exited unexpectedly" (seen once in
 * CI), so that is retried until a new server answers.
 */
function startSession(args: readonly string[]): void {
  for (let attempt = 0; ; attempt++) {
    try {
      tmux('new-session', ...args);
      return;
    } catch (error) {
      const said = String((error as { stderr?: unknown }).stderr ?? '');
      if (!said.includes('server exited unexpectedly') || attempt >= SERVER_GONE_RETRIES) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, SERVER_GONE_WAIT_MS);
    }
  }
}

/** One real terminal running one command; the shell stays after the command to show how it ended. */
export class Pane {
  private constructor(readonly name: string) {}

  static start(name: string, command: string, options: PaneOptions): Pane {
    const env = Object.entries({ TERM: 'xterm-256color', ...options.env }).map(([k, v]) => `${k}=${v}`);
    // A person's terminal, not a CI job: Ink draws only the last frame when it sees CI variables.
    const ciVariables = Object.keys(process.env).filter(
      (k) => k === 'CI' || k === 'CONTINUOUS_INTEGRATION' || k.startsWith('CI_'),
    );
    const unset = ciVariables.map((k) => `-u ${k}`).join(' ');
    const wrapped = `env ${unset} ${env.join(' ')} ${command}; echo "EXIT=$?"; sleep 600`;
    startSession([
      '-d',
      '-s',
      name,
      '-x',
      String(options.columns),
      '-y',
      String(options.rows),
      '-c',
      options.cwd,
      wrapped,
    ]);
    // Without this the window would follow the size of the (absent) client.
    tmux('set-option', '-t', name, 'window-size', 'manual');
    return new Pane(name);
  }

  /** The screen as text, one string per row (trailing blanks trimmed). */
  screen(): string[] {
    return tmux('capture-pane', '-p', '-t', this.name).replace(/\n$/, '').split('\n');
  }

  /** The screen with its escape sequences (colours). */
  screenWithColours(): string {
    return tmux('capture-pane', '-p', '-e', '-t', this.name);
  }

  /** Sends keys as tmux names them: "j", "Enter", "Escape", "PageDown", or literal text with literal=true. */
  send(keys: readonly string[], literal = false): void {
    tmux('send-keys', '-t', this.name, ...(literal ? ['-l'] : []), ...keys);
  }

  resize(columns: number, rows: number): void {
    tmux('resize-window', '-t', this.name, '-x', String(columns), '-y', String(rows));
  }

  /** 1 while the program is on the alternate screen. */
  alternateScreen(): boolean {
    return tmux('display-message', '-p', '-t', this.name, '#{alternate_on}').trim() === '1';
  }

  /** The pid of the pane's child process named `command` (the program under test). */
  childPid(command: string): number {
    const shell = tmux('display-message', '-p', '-t', this.name, '#{pane_pid}').trim();
    const found = execFileSync('pgrep', ['-P', shell, '-x', command], { encoding: 'utf8' })
      .trim()
      .split('\n')[0];
    if (!found) throw new Error(`no ${command} under pane ${this.name}`);
    return Number(found);
  }

  /** Polls the screen until `check` returns true; fails with the last screen shown. */
  async waitFor(check: (screen: string[]) => boolean, what: string, timeoutMs = 30_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    let screen = this.screen();
    while (!check(screen)) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}; screen:\n${screen.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      screen = this.screen();
    }
    return screen;
  }

  async waitForText(text: string, timeoutMs?: number): Promise<string[]> {
    return this.waitFor((screen) => screen.some((line) => line.includes(text)), `"${text}"`, timeoutMs);
  }

  /** Ends the program (SIGTERM, as a user's kill would) and then the session. */
  kill(): void {
    try {
      const shell = tmux('display-message', '-p', '-t', this.name, '#{pane_pid}').trim();
      const children = execFileSync('pgrep', ['-P', shell], { encoding: 'utf8' }).trim().split('\n');
      for (const pid of children.filter(Boolean)) process.kill(Number(pid), 'SIGTERM');
    } catch {
      // no program left in the pane
    }
    try {
      tmux('kill-session', '-t', this.name);
    } catch {
      // already gone
    }
  }
}

export function killServer(): void {
  try {
    tmux('kill-server');
  } catch {
    // no server was started
  }
}
