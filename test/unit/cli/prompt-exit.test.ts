import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/cli.js';
import type { CommandIO } from '../../../src/commands/types.js';
import { promptExitRequested } from '../../../src/prompt-exit.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'snappy-debug-prompt-exit.'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture(): { io: CommandIO; text: () => string } {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const io = { stdin: process.stdin, stdout: sink, stderr: sink } as unknown as CommandIO;
  return { io, text: () => text };
}

describe('a command that asks to exit once done', () => {
  it('is only asked for: other commands and a failed parse leave the natural exit', async () => {
    expect(await run(['resolve', 'x86_64', 'read'], capture().io)).toBe(0);
    expect(await run(['scanlog', '--file', join(dir, 'x.log'), '--bogus'], capture().io)).toBe(2);
    expect(promptExitRequested()).toBe(false);
  });

  it('is asked for by a batch replay, which still returns its status in-process', async () => {
    const log = join(dir, 'kern.log');
    writeFileSync(
      log,
      'Nov 22 10:02:30 host kernel: [ 1.500000] audit: type=1400 audit(1763805601.150:4001): apparmor="DENIED" operation="capable" class="cap" profile="snap.multipass.multipassd" pid=3150 comm="multipassd" capability=19 capname="sys_ptrace"\n',
    );
    const out = capture();
    expect(await run(['scanlog', '--file', log, '--no-follow', '--json'], out.io)).toBe(0);
    expect(out.text()).toContain('"snap":"multipass"');
    expect(promptExitRequested()).toBe(true);
  });
});
