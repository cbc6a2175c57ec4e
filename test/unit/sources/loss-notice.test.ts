import { describe, expect, it } from 'vitest';
import { lossNoticeOf } from '../../../src/sources/loss-notice.js';

describe('lossNoticeOf', () => {
  it("reads journald's count of kernel messages it missed (recorded on this machine)", () => {
    expect(lossNoticeOf('Missed 4 kernel messages')).toEqual({
      lost: 4,
      reason: 'journald missed kernel messages (its /dev/kmsg reader was overrun)',
    });
    expect(
      lossNoticeOf('2026-11-22T11:40:01.000000+00:00 vm systemd-journald[8916]: Missed 120 kernel messages')
        ?.lost,
    ).toBe(120);
  });

  it("recognises the kernel audit code's own drop notices, from any source", () => {
    expect(lossNoticeOf('4,2210,2819659341,-;audit: printk limit exceeded')).toEqual({
      reason: 'the kernel dropped audit records (printk limit exceeded)',
    });
    expect(lossNoticeOf('Nov 22 11:40:01 vm kernel: [ 12.3] audit: backlog limit exceeded')?.reason).toBe(
      'the kernel dropped audit records (backlog limit exceeded)',
    );
  });

  it('ignores ordinary lines, denials included', () => {
    expect(lossNoticeOf('audit: type=1326 audit(1795347997.561:230): pid=1 syscall=110')).toBeUndefined();
    expect(lossNoticeOf('Missed the bus')).toBeUndefined();
    expect(lossNoticeOf('')).toBeUndefined();
  });
});
