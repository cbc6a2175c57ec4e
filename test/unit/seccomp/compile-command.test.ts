import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/cli.js';
import { decodeSeccompFile } from '../../../src/seccomp/bin2.js';

const dir = mkdtempSync(join(tmpdir(), 'seccomp-command-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function snappyDebug(...argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  stdout.on('data', (chunk: Buffer) => chunks.stdout.push(chunk));
  stderr.on('data', (chunk: Buffer) => chunks.stderr.push(chunk));
  const status = await run(argv, { stdin: new PassThrough(), stdout, stderr });
  return {
    status,
    stdout: Buffer.concat(chunks.stdout).toString(),
    stderr: Buffer.concat(chunks.stderr).toString(),
  };
}

const PROFILE = file(
  'app.src',
  '# test profile\nread\nwrite\nsocket AF_UNIX\nfrobnicate\n~ioctl - TIOCSTI\nioctl\n',
);

describe('snappy-debug seccomp compile', () => {
  it('writes a raw .bin, warning about unknown syscalls and dropped ~ rules', async () => {
    const out = join(dir, 'app.bin');
    const result = await snappyDebug('seccomp', 'compile', PROFILE, out);
    expect(result).toEqual({
      status: 0,
      stdout: '',
      stderr:
        `snappy-debug: ${PROFILE}:5: unknown syscall 'frobnicate' ignored\n` +
        `snappy-debug: ${PROFILE}: 1 ~ rules dropped: the .bin format has no deny filter (use --bin2)\n`,
    });
    const decoded = decodeSeccompFile(new Uint8Array(readFileSync(out)));
    expect(decoded).toMatchObject({ format: 'bin', unrestricted: false, deny: [] });
  });

  it('writes a .bin2 with both filters', async () => {
    const out = join(dir, 'app.bin2');
    expect((await snappyDebug('seccomp', 'compile', PROFILE, out, '--bin2', '-a', 'x86_64')).status).toBe(0);
    const decoded = decodeSeccompFile(new Uint8Array(readFileSync(out)));
    expect(decoded.format).toBe('bin2');
    expect(decoded.deny.length).toBeGreaterThan(5);
  });

  it('fails with one clear line on bad input', async () => {
    const bad = file('bad.src', 'read\nsocket AF_NOPE\n');
    expect(await snappyDebug('seccomp', 'compile', bad, join(dir, 'x.bin'))).toEqual({
      status: 1,
      stdout: '',
      stderr: `snappy-debug: ${bad}:2: argument 0 of 'socket': 'AF_NOPE' is neither a decimal number nor a known constant\n`,
    });
    const missing = join(dir, 'missing.src');
    expect((await snappyDebug('seccomp', 'compile', missing, join(dir, 'x.bin'))).stderr).toBe(
      `snappy-debug: cannot read ${missing}: ENOENT\n`,
    );
    expect(await snappyDebug('seccomp', 'compile', PROFILE)).toMatchObject({
      status: 2,
      stderr: 'snappy-debug: seccomp compile needs IN.src and OUT.bin\n',
    });
    expect(await snappyDebug('seccomp', 'compile', PROFILE, join(dir, 'x.bin'), '-a', 'vax')).toMatchObject({
      status: 2,
      stderr: "snappy-debug: unknown architecture 'vax'\n",
    });
    expect(await snappyDebug('seccomp', 'frob')).toMatchObject({
      status: 2,
      stderr: "snappy-debug: unknown seccomp subcommand 'frob' (compile, disasm or explain)\n",
    });
  });
});

describe('snappy-debug seccomp disasm', () => {
  it('prints both filters of a .bin2', async () => {
    const out = join(dir, 'dis.bin2');
    await snappyDebug('seccomp', 'compile', PROFILE, out, '--bin2');
    const result = await snappyDebug('seccomp', 'disasm', out);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`^${out}: bin2, allow filter, \\d+ instructions\\n0000: ld \\[4\\]  ; arch\\n`),
    );
    expect(result.stdout).toMatch(
      new RegExp(`\\n${out}: bin2, deny filter, \\d+ instructions\\n0000: ld \\[4\\]  ; arch\\n`),
    );
    expect(result.stdout).toContain('ret #0x5000d  ; ERRNO(13)');
  });

  it('refuses a file that is not a filter', async () => {
    const junk = file('junk.bin', 'hello');
    expect(await snappyDebug('seccomp', 'disasm', junk)).toMatchObject({
      status: 1,
      stderr: `snappy-debug: ${junk}: BPF filter length 5 is not a multiple of 8\n`,
    });
  });
});

describe('snappy-debug seccomp explain', () => {
  it('exits 0 for an allowed call and 1 for a denied one', async () => {
    expect(await snappyDebug('seccomp', 'explain', PROFILE, 'socket', 'AF_UNIX')).toEqual({
      status: 0,
      stdout: "allowed: socket(AF_UNIX) on x86_64 — line 4 'socket AF_UNIX'\n",
      stderr: '',
    });
    expect(await snappyDebug('seccomp', 'explain', PROFILE, 'socket', 'AF_NETLINK')).toEqual({
      status: 1,
      stdout:
        "denied (EPERM): socket(AF_NETLINK) on x86_64 — no rule allows it; line 4 'socket AF_UNIX' requires arg0 == 1 (AF_UNIX)\n",
      stderr: '',
    });
    expect((await snappyDebug('seccomp', 'explain', PROFILE, 'ioctl', '0', '0x5412')).stdout).toBe(
      "denied (EACCES): ioctl(0, 0x5412) on x86_64 — line 6 '~ioctl - TIOCSTI' denies it\n",
    );
    expect(
      (await snappyDebug('seccomp', 'explain', PROFILE, '102', '1', '-a', 'x86_64', '--call-arch', 'x86'))
        .stdout,
    ).toBe("allowed: socketcall(1) on x86 — line 4 'socket AF_UNIX'\n");
  });

  it('fails with one clear line on bad input', async () => {
    expect(await snappyDebug('seccomp', 'explain', PROFILE, 'socket', 'AF_BOGUS')).toMatchObject({
      status: 2,
      stderr: "snappy-debug: cannot parse argument 'AF_BOGUS': not a number or known constant\n",
    });
    expect(await snappyDebug('seccomp', 'explain', PROFILE, 'frobnicate')).toMatchObject({
      status: 1,
      stderr: "snappy-debug: 'frobnicate' is not a syscall on x86_64\n",
    });
    expect(
      await snappyDebug('seccomp', 'explain', PROFILE, 'read', '1', '2', '3', '4', '5', '6', '7'),
    ).toMatchObject({
      status: 2,
      stderr: 'snappy-debug: too many arguments: 7, at most 6\n',
    });
    expect(await snappyDebug('seccomp', 'explain', PROFILE, 'read', '--bogus')).toMatchObject({ status: 2 });
  });
});
