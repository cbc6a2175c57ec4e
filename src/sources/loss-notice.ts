/** A log line in which the system itself says that messages were lost before reaching the log. */
export interface LossNotice {
  readonly lost?: number;
  readonly reason: string;
}

const JOURNALD_MISSED = /Missed (\d+) kernel messages/;
const KERNEL_AUDIT_LOST =
  /audit: (printk limit exceeded|rate limit exceeded|backlog limit exceeded|kauditd hold queue overflow)/;

/**
 * Recognises the notices journald and the kernel's audit code write when they drop messages.
 * `text` may carry any prefix. Cheap for the usual line: one substring test before any regex.
 */
export function lossNoticeOf(text: string): LossNotice | undefined {
  if (text.includes('Missed ')) {
    const missed = JOURNALD_MISSED.exec(text);
    if (missed) {
      return {
        lost: Number(missed[1]),
        reason: 'journald missed kernel messages (its /dev/kmsg reader was overrun)',
      };
    }
  }
  if (text.includes('audit: ')) {
    const audit = KERNEL_AUDIT_LOST.exec(text);
    if (audit) return { reason: `the kernel dropped audit records (${audit[1]})` };
  }
  return undefined;
}
