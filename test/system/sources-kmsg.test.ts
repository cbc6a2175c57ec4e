import { describe, expect, it } from 'vitest';
import { kmsgSource } from '../../src/sources/index.js';
import { follow } from './support/collect.js';
import { seccompFieldsOf, triggerSeccompDenial } from './support/seccomp.js';

const forPid = (pid: number) => (lines: readonly { line: string }[]) =>
  lines.filter((l) => seccompFieldsOf(l.line)?.pid === pid);

describe('kmsg source (/dev/kmsg)', () => {
  it('yields a new denial as a kmsg record, and only new ones by default', async () => {
    const earlier = await triggerSeccompDenial({ syscall: 39 });
    // kauditd prints the record asynchronously: make sure it is in the ring buffer first.
    const witness = follow(kmsgSource(), { all: true });
    await witness.waitFor((lines) => forPid(earlier.pid)(lines).length > 0);
    await witness.stop();
    const follower = follow(kmsgSource());
    await follower.ready;
    const denial = await triggerSeccompDenial({ syscall: 39 });
    await follower.waitFor((lines) => forPid(denial.pid)(lines).length > 0);
    await follower.stop();
    expect(forPid(earlier.pid)(follower.lines)).toHaveLength(0);
    const mine = forPid(denial.pid)(follower.lines);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.source).toBe('kmsg');
    expect(mine[0]!.line).toMatch(/^\d+,\d+,\d+,[^;]*;audit: type=1326 /);
    expect(seccompFieldsOf(mine[0]!.line)).toMatchObject({
      exe: denial.exe,
      syscall: 39,
      auditArch: 'c000003e',
    });
  });

  it('reads the ring buffer from its start with all, in sequence, and stops without follow', async () => {
    const denial = await triggerSeccompDenial({ syscall: 39 });
    const reader = follow(kmsgSource(), { all: true, follow: false });
    await reader.done;
    expect(forPid(denial.pid)(reader.lines)).toHaveLength(1);
    const sequences = reader.lines.map((l) => Number(l.line.split(',')[1]));
    expect(sequences.every((seq, i) => i === 0 || seq > sequences[i - 1]!)).toBe(true);
  });

  it('stops on abort while waiting for records (a hang fails by timeout)', async () => {
    const follower = follow(kmsgSource());
    await follower.ready;
    await follower.stop();
    expect(follower.lines.every((l) => l.source === 'kmsg')).toBe(true);
  });
});
