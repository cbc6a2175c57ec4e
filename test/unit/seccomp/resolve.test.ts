import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { atoi, main } from '../../../src/commands/resolve.js';
import { libseccompName, libseccompNumber, resolveAuditSyscall } from '../../../src/seccomp/resolve.js';

describe('resolveAuditSyscall', () => {
  it('resolves on the table the audit arch names', () => {
    expect(resolveAuditSyscall('c000003e', 314, 0)).toEqual({ arch: 'x86_64', name: 'sched_setattr' });
    expect(resolveAuditSyscall('40000003', 102, 1)).toEqual({ arch: 'x86', name: 'socketcall' });
    expect(resolveAuditSyscall('c00000b7', 56)).toEqual({ arch: 'aarch64', name: 'openat' });
    expect(resolveAuditSyscall('40000028', 983045, 1)).toEqual({ arch: 'arm', name: 'set_tls' });
    expect(resolveAuditSyscall('c00000f3', 63)).toEqual({ arch: 'riscv64', name: 'read' });
    expect(resolveAuditSyscall('c0000015', 286)).toEqual({ arch: 'ppc64le', name: 'openat' });
    expect(resolveAuditSyscall(0x80000016, 102)).toEqual({ arch: 's390x', name: 'socketcall' });
  });

  it('tells x32 from x86_64 by the 0x40000000 bit, whatever compat says', () => {
    expect(resolveAuditSyscall('c000003e', 0x40000000, 1)).toEqual({ arch: 'x32', name: 'read' });
    expect(resolveAuditSyscall('c000003e', 0x40000000 + 257, 0)).toEqual({ arch: 'x32', name: 'openat' });
    expect(resolveAuditSyscall('c000003e', 0x40000000 + 512, 1)).toEqual({
      arch: 'x32',
      name: 'rt_sigaction',
    });
    expect(resolveAuditSyscall('c000003e', 0)).toEqual({ arch: 'x86_64', name: 'read' });
  });

  it('uses the MIPS ABI offsets of each audit arch', () => {
    expect(resolveAuditSyscall('00000008', 4003)).toEqual({ arch: 'mips', name: 'read' });
    expect(resolveAuditSyscall('40000008', 4003)).toEqual({ arch: 'mipsel', name: 'read' });
    expect(resolveAuditSyscall('c0000008', 5000)).toEqual({ arch: 'mipsel64', name: 'read' });
    expect(resolveAuditSyscall('e0000008', 6251)).toEqual({ arch: 'mipsel64n32', name: 'openat' });
    expect(resolveAuditSyscall('00000008', 3)).toEqual({ arch: 'mips' });
  });

  it('resolves compat=1 on a 64-bit audit arch on its compat table, as snappy-debug documents', () => {
    expect(resolveAuditSyscall('c000003e', 102, 1)).toEqual({ arch: 'x86', name: 'socketcall' });
    expect(resolveAuditSyscall('c00000b7', 322, 1)).toEqual({ arch: 'arm', name: 'openat' });
    expect(resolveAuditSyscall('80000015', 102, 1)).toEqual({ arch: 'ppc', name: 'socketcall' });
    expect(resolveAuditSyscall('c00000f3', 63, 1)).toEqual({ arch: 'riscv64', name: 'read' });
  });

  it('never guesses', () => {
    expect(resolveAuditSyscall('c000003e', 99999)).toEqual({ arch: 'x86_64' });
    expect(resolveAuditSyscall('c000003e', -1)).toEqual({ arch: 'x86_64' });
    expect(resolveAuditSyscall('deadbeef', 0)).toEqual({});
    expect(resolveAuditSyscall('not hex', 0)).toEqual({});
  });
});

describe('libseccomp-compatible answers', () => {
  it('gives pseudo numbers for names an arch lacks and -1 for unknown names', () => {
    expect(libseccompNumber('aarch64', 'open')).toBe(-10166);
    expect(libseccompNumber('x86_64', 'socketcall')).toBe(-10060);
    expect(libseccompNumber('aarch64', 'set_tls')).toBe(-10183);
    expect(libseccompNumber('x86_64', 'nosuchcall')).toBe(-1);
    expect(libseccompNumber('x86_64', 'oldwait4')).toBe(-1);
    expect(libseccompNumber('x32', 'read')).toBe(0x40000000);
    expect(libseccompNumber('mips', 'read')).toBe(4003);
  });

  it('names multiplexed calls by pseudo number on socketcall arches and rewrites them with -t', () => {
    expect(libseccompNumber('x86', 'socket')).toBe(-101);
    expect(libseccompNumber('x86', 'socket', true)).toBe(102);
    expect(libseccompNumber('x86', 'semop', true)).toBe(117);
    expect(libseccompNumber('mips', 'socket', true)).toBe(4102);
    expect(libseccompNumber('s390x', 'accept', true)).toBe(102);
    expect(libseccompNumber('x86_64', 'socket', true)).toBe(41);
    expect(libseccompNumber('x86_64', 'send', true)).toBe(-109);
    expect(libseccompNumber('aarch64', 'open', true)).toBe(-10166);
  });

  it('names numbers leniently, like libseccomp', () => {
    expect(libseccompName('x32', 0)).toBe('read');
    expect(libseccompName('x32', 0x40000000)).toBe('read');
    expect(libseccompName('mips', 3)).toBe('read');
    expect(libseccompName('mips', 4003)).toBe('read');
    expect(libseccompName('mips', 8003)).toBeUndefined();
    expect(libseccompName('x86', -101)).toBe('socket');
    expect(libseccompName('x86', 359)).toBe('socket');
    expect(libseccompName('x86_64', -101)).toBeUndefined();
    expect(libseccompName('aarch64', -10166)).toBe('open');
    expect(libseccompName('x86', -10191)).toBe('switch_endian');
    expect(libseccompName('ppc', -10191)).toBeUndefined();
    expect(libseccompName('x86_64', -1)).toBeUndefined();
  });
});

describe('atoi', () => {
  it('behaves like glibc atoi on 64-bit', () => {
    expect(atoi('12')).toBe(12);
    expect(atoi('1x')).toBe(1);
    expect(atoi('0x10')).toBe(0);
    expect(atoi('010')).toBe(10);
    expect(atoi('-')).toBe(0);
    expect(atoi('-5')).toBe(-5);
    expect(atoi('2147483648')).toBe(-2147483648);
    expect(atoi('4294967299')).toBe(3);
    expect(atoi('99999999999999999999999')).toBe(-1);
  });
});

async function resolve(...argv: string[]): Promise<[number, string, string]> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { out: '', err: '' };
  stdout.on('data', (chunk: Buffer) => (chunks.out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (chunks.err += chunk.toString()));
  const status = await main(argv, { stdin: new PassThrough(), stdout, stderr });
  return [status, chunks.out, chunks.err];
}

const USAGE = 'usage: snappy-debug resolve [-h] [-a <arch>] [-t] <name>|<number>\n';

describe('snappy-debug resolve', () => {
  it('resolves names and numbers', async () => {
    expect(await resolve('-a', 'x86', 'socketcall')).toEqual([0, '102\n', '']);
    expect(await resolve('-a', 'arm', '983045')).toEqual([0, 'set_tls\n', '']);
    expect(await resolve('-a', 'x86_64', '999')).toEqual([0, 'UNKNOWN\n', '']);
    expect(await resolve('-a', 'loongarch64', 'read')).toEqual([0, '63\n', '']);
  });

  it('fails like scmp_sys_resolver: usage on stderr, exit 22', async () => {
    expect(await resolve()).toEqual([22, '', USAGE]);
    expect(await resolve('-h')).toEqual([22, '', USAGE]);
    expect(await resolve('-a', 'amd64', 'read')).toEqual([22, '', USAGE]);
    expect(await resolve('-1')).toEqual([22, '', `snappy-debug resolve: invalid option -- '1'\n${USAGE}`]);
    expect(await resolve('-a')).toEqual([
      22,
      '',
      `snappy-debug resolve: option requires an argument -- 'a'\n${USAGE}`,
    ]);
  });

  it('prints full help with --help', async () => {
    const [status, out] = await resolve('--help');
    expect(status).toBe(0);
    expect(out).toContain('--audit-arch <hex>');
    expect(out).toContain('mipsel64n32');
  });

  it('names audit arches and resolves audit records with --audit-arch', async () => {
    expect(await resolve('--audit-arch', 'c000003e')).toEqual([0, 'x86_64\n', '']);
    expect(await resolve('--audit-arch=0xC00000B7')).toEqual([0, 'aarch64\n', '']);
    expect(await resolve('--audit-arch', '40000003')).toEqual([0, 'x86\n', '']);
    expect(await resolve('--audit-arch', 'c000003e', '314')).toEqual([0, 'sched_setattr\n', '']);
    expect(await resolve('--audit-arch', 'c000003e', '1073741824')).toEqual([0, 'read\n', '']);
    expect(await resolve('--audit-arch', 'c000003e', '9999')).toEqual([0, 'UNKNOWN\n', '']);
    expect(await resolve('--audit-arch', 'deadbeef')).toEqual([
      1,
      '',
      'snappy-debug resolve: unknown audit arch deadbeef\n',
    ]);
    expect(await resolve('--audit-arch', 'xyz')).toEqual([
      22,
      '',
      'snappy-debug resolve: "xyz" is not a hexadecimal audit arch\n',
    ]);
    expect(await resolve('--audit-arch', 'c000003e', 'read')).toEqual([
      22,
      '',
      'snappy-debug resolve: "read" is not a syscall number\n',
    ]);
    expect(await resolve('--audit-arch')).toEqual([
      22,
      '',
      `snappy-debug resolve: option '--audit-arch' requires an argument\n${USAGE}`,
    ]);
  });
});
