import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PRINTK_RATELIMIT, readPrintkRatelimit } from '../../src/system/printk.js';

const dir = mkdtempSync(join(tmpdir(), 'snappy-debug-printk-'));
const moduleFile = join(dir, 'printk.mjs');
const savedFile = join(dir, 'saved');
// The kernel's default: should a concurrent run keep it by mistake, nothing is changed.
const ORIGINAL = 5;
let valueBefore = 0;

/** A small program using the module the way scanlog does; `behaviour` says how it ends. */
const program = (behaviour: string): string => `
import { lowerPrintkRatelimit } from ${JSON.stringify(moduleFile)};
const lowered = await lowerPrintkRatelimit({ saved: ${JSON.stringify(savedFile)} });
console.log('previous=' + lowered.previous + ' recovered=' + lowered.recovered);
${behaviour}
`;

async function runProgram(
  behaviour: string,
  signal?: NodeJS.Signals,
): Promise<{
  stdout: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  valueWhileRunning: number;
}> {
  const file = join(dir, `program-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, program(behaviour));
  const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let valueWhileRunning = -1;
  const started = new Promise<void>((resolveStarted) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('previous=') && valueWhileRunning === -1) {
        valueWhileRunning = readPrintkRatelimit();
        resolveStarted();
      }
    });
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) =>
    child.on('exit', (code, sig) => resolveExit({ code, signal: sig })),
  );
  await Promise.race([started, exited]);
  if (signal) child.kill(signal);
  const { code, signal: endedBy } = await exited;
  return { stdout, code, signal: endedBy, valueWhileRunning };
}

const KEEP_RUNNING = 'setInterval(() => {}, 1000);';

describe('printk_ratelimit: lowered to 0 while running, restored on every exit path', () => {
  beforeAll(() => {
    valueBefore = readPrintkRatelimit();
    buildSync({
      entryPoints: [resolve(import.meta.dirname, '../../src/system/printk.ts')],
      outfile: moduleFile,
      format: 'esm',
      platform: 'node',
      logLevel: 'silent',
    });
  });
  beforeEach(() => {
    writeFileSync(PRINTK_RATELIMIT, `${ORIGINAL}\n`);
    rmSync(savedFile, { force: true });
  });
  afterEach(() => writeFileSync(PRINTK_RATELIMIT, `${valueBefore}\n`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('normal exit', async () => {
    // It ends by itself a second later: long enough for the value to be read while it runs.
    const run = await runProgram('await new Promise((r) => setTimeout(r, 1000));');
    expect(run.stdout).toContain(`previous=${ORIGINAL} recovered=false`);
    expect(run.valueWhileRunning).toBe(0);
    expect(run.code).toBe(0);
    expect(readPrintkRatelimit()).toBe(ORIGINAL);
    expect(existsSync(savedFile)).toBe(false);
  });

  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)(
    '%s, dying of the signal as it would have',
    async (signal) => {
      const run = await runProgram(KEEP_RUNNING, signal);
      expect(run.valueWhileRunning).toBe(0);
      expect(run.signal).toBe(signal);
      expect(readPrintkRatelimit()).toBe(ORIGINAL);
      expect(existsSync(savedFile)).toBe(false);
    },
  );

  it('SIGINT handled by the program itself (as scanlog does): restored, program ends its own way', async () => {
    const run = await runProgram(
      `const timer = setInterval(() => {}, 1000);
       process.once('SIGINT', () => { clearInterval(timer); console.log('stopping'); });`,
      'SIGINT',
    );
    expect(run.stdout).toContain('stopping');
    expect(run.code).toBe(0);
    expect(readPrintkRatelimit()).toBe(ORIGINAL);
  });

  it("SIGINT handler registered before lowering (scanlog's order): restored, program ends its own way", async () => {
    const file = join(dir, 'early-handler.mjs');
    writeFileSync(
      file,
      `const timer = setInterval(() => {}, 1000);
       process.once('SIGINT', () => { clearInterval(timer); console.log('stopping'); });
       ${program('')}`,
    );
    const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    await new Promise<void>((resolveStarted) =>
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('previous=')) resolveStarted();
      }),
    );
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolveExit) => child.on('exit', (c) => resolveExit(c)));
    expect(stdout).toContain('stopping');
    expect(code).toBe(0);
    expect(readPrintkRatelimit()).toBe(ORIGINAL);
  });

  it('uncaught exception', async () => {
    const run = await runProgram(`setTimeout(() => { throw new Error('boom'); }, 10);`);
    expect(run.valueWhileRunning).toBe(0);
    expect(run.code).toBe(1);
    expect(readPrintkRatelimit()).toBe(ORIGINAL);
  });

  it('SIGKILL leaves 0, and the next start knows and restores the original', async () => {
    const killed = await runProgram(KEEP_RUNNING, 'SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    expect(readPrintkRatelimit()).toBe(0);
    expect(readFileSync(savedFile, 'utf8')).toBe(`${ORIGINAL}\n`);
    const next = await runProgram('');
    expect(next.stdout).toContain(`previous=${ORIGINAL} recovered=true`);
    expect(readPrintkRatelimit()).toBe(ORIGINAL);
    expect(existsSync(savedFile)).toBe(false);
  });
});
