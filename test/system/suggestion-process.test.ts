import { execFileSync, spawn } from 'node:child_process';
import {
  closeSync,
  constants,
  copyFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSyslog } from '../../bench/gen-syslog.mjs';
import type { Denial, Suggestion } from '../../src/model/denial.js';
import { parseLine } from '../../src/parse/index.js';
import { rulesCacheDir, rulesDir } from '../../src/paths.js';
import { REPLAY_V8_FLAGS } from '../../src/scan/batch-tuning.js';
import { Enricher } from '../../src/scan/enrich.js';
import {
  currentSuggestSnapshot,
  SuggestionProcess,
  type SuggestionSnapshot,
} from '../../src/scan/suggestion-process.js';
import type { SuggestionThreadData } from '../../src/scan/suggestion-protocol.js';
import { SuggestionThread, type SuggestionSlot } from '../../src/scan/suggestion-thread.js';
import { loadRules, suggest } from '../../src/suggest/index.js';
import { ensureBuilt, ROOT } from '../support/build.js';
import { CLI } from './support/cli.js';
import { holdsOpen, snapshotChildrenOf } from './support/processes.js';

// A replay's suggestions come from a node process started from the build's V8 snapshot of the
// engine (scan/suggestion-process.ts): its answers must be the worker thread's and suggest()'s,
// a blob that is missing, spoilt or refused must leave the work to a worker thread, rules changed
// since the build must be loaded again, and the process must never outlive its parent.

const suggestDir = join(ROOT, 'dist/src/suggest');
const workerEntry = join(suggestDir, 'suggest-worker.cjs');
const data: SuggestionThreadData = { rulesDir: rulesDir(), cacheDir: rulesCacheDir() };
let dir: string;
let denials: Denial[];
let snapshot: SuggestionSnapshot;

/** Real denials: the fixtures' lines and a generated log whose every denial differs. */
async function realDenials(): Promise<Denial[]> {
  const read = (path: string): string[] =>
    (parseYaml(readFileSync(join(ROOT, path), 'utf8')) as { line: string }[]).map((entry) => entry.line);
  const generated = join(dir, 'distinct.log');
  await generateSyslog(generated, 20_000, 0.02, { distinct: true });
  const lines = [
    ...read('test/fixtures/lines/real-world.yaml'),
    ...read('test/fixtures/corpus/denials.yaml'),
    ...readFileSync(generated, 'utf8').split('\n'),
  ];
  const namer = new Enricher();
  return lines.flatMap((line) => {
    const parsed = parseLine(line);
    return parsed.kind === 'denial' ? [namer.enrich(parsed.denial, 'file')] : [];
  });
}

beforeAll(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'suggestion-process-'));
  denials = await realDenials();
  const built = currentSuggestSnapshot(suggestDir);
  if (built === undefined)
    throw new Error(`no current suggestion snapshot in ${suggestDir}: is the build done?`);
  snapshot = built;
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every denial's suggestions through `thread`, which is closed after. */
async function answersOf(
  thread: SuggestionThread,
  asked: readonly Denial[] = denials,
): Promise<Suggestion[][]> {
  const slots: SuggestionSlot[] = asked.map(() => ({}));
  asked.forEach((denial, i) => {
    thread.request(denial, slots[i]!);
    // Several messages, as the pipeline sends them.
    if (i % 97 === 0) thread.send();
  });
  try {
    const answers: Suggestion[][] = [];
    // One waiter at a time, as the pipeline waits.
    for (const slot of slots) answers.push((await thread.until(slot)) as Suggestion[]);
    return answers;
  } finally {
    await thread.close();
  }
}

function inProcess(rules = loadRules(rulesDir(), { cacheDir: rulesCacheDir() })): Suggestion[][] {
  return denials.map((denial) => suggest(denial, rules));
}

function alive(pid: number): boolean {
  try {
    // A zombie has finished: only a running or sleeping process counts.
    return !/\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function gone(pid: number, timeoutMs = 20_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (alive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

describe('the suggestion process', () => {
  it('answers as suggest() and the worker thread do, from the rules in its snapshot', async () => {
    expect(denials.length).toBeGreaterThan(500);
    const thread = new SuggestionThread(workerEntry, data, snapshot);
    const engine = thread.engine;
    expect(engine).toBeInstanceOf(SuggestionProcess);
    const fromProcess = await answersOf(thread);
    expect((engine as SuggestionProcess).rulesFromSnapshot).toBe(true);
    expect(thread.engine).toBe(engine);
    const expected = inProcess();
    expect(fromProcess).toStrictEqual(expected);
    expect(await answersOf(new SuggestionThread(workerEntry, data))).toStrictEqual(expected);
  }, 60_000);

  it('starts without the variables that would slow its start or refuse its blob, and with the rest', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt',
      NODE_OPTIONS: '--max-old-space-size=512',
      SNAPPY_DEBUG_TEST_MARK: 'kept',
    });
    const thread = new SuggestionThread(workerEntry, data, snapshot);
    process.env = saved;
    const pid = (thread.engine as SuggestionProcess).pid!;
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    await answersOf(thread, denials.slice(0, 10));
    expect(environ).toContain('SNAPPY_DEBUG_TEST_MARK=kept');
    expect(environ.filter((entry) => /^NODE_(EXTRA_CA_CERTS|OPTIONS)=/.test(entry))).toStrictEqual([]);
  });

  it('is used only while the build that made its snapshot is current', () => {
    const copy = join(dir, 'current');
    cpSync(suggestDir, copy, { recursive: true });
    // Not the bundle the snapshot was made from (its path differs): not current.
    expect(currentSuggestSnapshot(copy)).toBeUndefined();
    expect(currentSuggestSnapshot(suggestDir)).toStrictEqual(snapshot);
    expect(snapshot.v8Flags).toStrictEqual(REPLAY_V8_FLAGS);
    rmSync(join(copy, 'suggest-engine.cjs'));
    expect(currentSuggestSnapshot(copy)).toBeUndefined();
  });
});

describe('a suggestion process that cannot start leaves the work to a worker thread', () => {
  const asked = () => denials.slice(0, 300);
  const expected = () => inProcess().slice(0, 300);
  const spoilt: [string, () => SuggestionSnapshot][] = [
    ['a missing blob', () => ({ ...snapshot, blob: join(dir, 'no-such.blob') })],
    [
      'a corrupt blob',
      () => {
        const blob = join(dir, 'garbage.blob');
        copyFileSync(snapshot.blob, blob);
        const bytes = readFileSync(blob);
        for (let i = 0; i < bytes.length; i += 7) bytes[i] = (bytes[i]! * 31 + i) & 0xff;
        writeFileSync(blob, bytes);
        return { ...snapshot, blob };
      },
    ],
    ['a blob of other V8 flags', () => ({ ...snapshot, v8Flags: ['--interrupt-budget=1000'] })],
    [
      'a blob cut short',
      () => {
        const blob = join(dir, 'short.blob');
        writeFileSync(blob, readFileSync(snapshot.blob).subarray(0, 4096));
        return { ...snapshot, blob };
      },
    ],
  ];
  it.each(spoilt)(
    '%s',
    async (_, make) => {
      const thread = new SuggestionThread(workerEntry, data, make());
      const answers = await answersOf(thread, asked());
      expect(thread.engine).toBe('worker');
      expect(answers).toStrictEqual(expected());
    },
    30_000,
  );

  it('and fails with one clear error when neither can', async () => {
    const thread = new SuggestionThread(join(dir, 'no-such-worker.js'), data, {
      ...snapshot,
      blob: join(dir, 'no-such.blob'),
    });
    await expect(answersOf(thread, asked())).rejects.toThrow(/^suggestions: .*no-such-worker/);
  }, 30_000);
});

describe('rules changed since the snapshot was made', () => {
  it('are loaded again by the process, which then answers from them', async () => {
    const rules = join(dir, 'rules');
    const cache = join(dir, 'rules-cache');
    const out = join(dir, 'snapshot');
    cpSync(rulesDir(), rules, { recursive: true });
    execFileSync('mkdir', ['-p', out]);
    execFileSync(
      process.execPath,
      [join(ROOT, 'scripts/build-suggest-snapshot.mjs'), '--rules', rules, '--cache', cache, '--out', out],
      { stdio: 'ignore' },
    );
    const own = currentSuggestSnapshot(out);
    // Its manifest names the real bundle, which is not in `out`: made by hand here.
    const blob = readdirSync(out).find((name) => name.endsWith('.blob'));
    expect(blob).toBeDefined();
    expect(own).toBeUndefined();
    const made: SuggestionSnapshot = { blob: join(out, blob!), v8Flags: REPLAY_V8_FLAGS };
    const copyData = { rulesDir: rules, cacheDir: cache };
    const run = async (): Promise<[boolean | undefined, Suggestion[][]]> => {
      const thread = new SuggestionThread(workerEntry, copyData, made);
      const process = thread.engine as SuggestionProcess;
      const answers = await answersOf(thread);
      return [process.rulesFromSnapshot, answers];
    };
    const fresh = await run();
    expect(fresh[0]).toBe(true);
    expect(fresh[1]).toStrictEqual(inProcess());

    // Touched only: loaded again, the same answers.
    const network = join(rules, 'interfaces/network.yaml');
    const later = new Date(Date.now() + 5000);
    utimesSync(network, later, later);
    const touched = await run();
    expect(touched[0]).toBe(false);
    expect(touched[1]).toStrictEqual(fresh[1]);

    // An interface gone: other answers, the ones suggest() gives from the changed rules.
    rmSync(network);
    const changed = await run();
    expect(changed[0]).toBe(false);
    const expected = inProcess(loadRules(rules, { cacheDir: false }));
    expect(changed[1]).toStrictEqual(expected);
    expect(changed[1]).not.toStrictEqual(fresh[1]);
  }, 60_000);
});

describe('the suggestion process never outlives its parent', () => {
  it('is gone once closed', async () => {
    const thread = new SuggestionThread(workerEntry, data, snapshot);
    const pid = (thread.engine as SuggestionProcess).pid!;
    expect(alive(pid)).toBe(true);
    await answersOf(thread, denials.slice(0, 10));
    expect(alive(pid)).toBe(false);
  });

  it.each(['SIGKILL', 'SIGTERM'] as const)(
    'ends when its parent is killed (%s)',
    async (signal) => {
      const href = (path: string): string => JSON.stringify(pathToFileURL(join(ROOT, path)).href);
      const script = `const { SuggestionThread } = await import(${href('dist/src/scan/suggestion-thread.js')});
      const { currentSuggestSnapshot } = await import(${href('dist/src/scan/suggestion-process.js')});
      const thread = new SuggestionThread(${JSON.stringify(workerEntry)}, ${JSON.stringify(data)},
        currentSuggestSnapshot(${JSON.stringify(suggestDir)}));
      process.stdout.write(String(thread.engine.pid) + '\\n');
      setInterval(() => {}, 1000);`;
      const parent = spawn(process.execPath, ['--input-type=module', '-e', script], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const childPid = await new Promise<number>((resolve) =>
        parent.stdout.once('data', (text: Buffer) => resolve(Number(text.toString()))),
      );
      expect(snapshotChildrenOf(parent.pid!)).toStrictEqual([childPid]);
      parent.kill(signal);
      expect(await gone(childPid)).toBe(true);
    },
    30_000,
  );

  it('is closed when scanlog is stopped mid-replay, and scanlog prints what the worker thread would', async () => {
    const log = join(dir, 'fixtures.log');
    const read = (path: string): string[] =>
      (parseYaml(readFileSync(join(ROOT, path), 'utf8')) as { line: string }[]).map((entry) => entry.line);
    writeFileSync(log, `${read('test/fixtures/lines/real-world.yaml').join('\n')}\n`);
    const scan = (env: Record<string, string>): string =>
      execFileSync(process.execPath, [CLI, 'scanlog', '--file', log, '--no-follow', '--json'], {
        encoding: 'utf8',
        env: { ...process.env, SNAPPY_DEBUG_SUGGEST_THREAD: '1', ...env },
        stdio: ['ignore', 'pipe', 'ignore'],
      });
    expect(scan({})).toBe(scan({ SNAPPY_DEBUG_SUGGEST_PROCESS: '0' }));
    expect(scan({})).toBe(scan({ SNAPPY_DEBUG_SUGGEST_THREAD: '0' }));

    // A FIFO as the file, held open here (read-write: no open waits for a partner): the replay
    // waits on it with its suggestion process started.
    const fifo = join(dir, 'log.fifo');
    execFileSync('mkfifo', [fifo]);
    const writer = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
    const cli = spawn(process.execPath, [CLI, 'scanlog', '--file', fifo, '--no-follow', '--json'], {
      env: { ...process.env, SNAPPY_DEBUG_SUGGEST_THREAD: '1' },
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    const exited = new Promise((resolve) => cli.once('exit', resolve));
    let children: number[] = [];
    const deadline = Date.now() + 20_000;
    while ((children = snapshotChildrenOf(cli.pid!)).length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(children).toHaveLength(1);
    // Stopped mid-replay: once the scan has the FIFO open (the child starts before the file is
    // opened, and an open of a FIFO whose writer is gone waits for the next one, signal or not).
    while (!holdsOpen(cli.pid!, fifo) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(holdsOpen(cli.pid!, fifo)).toBe(true);
    cli.kill('SIGTERM');
    // Whatever the scan waits on, a few lines and the end of the FIFO let it go.
    writeSync(writer, `${readFileSync(log, 'utf8').split('\n').slice(0, 5).join('\n')}\n`);
    closeSync(writer);
    await exited;
    expect(await gone(children[0]!)).toBe(true);
    expect(existsSync(`/proc/${cli.pid}`)).toBe(false);
  }, 60_000);
});
