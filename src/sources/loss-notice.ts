/** A log line in which the system itself says that messages were lost before reaching the log. */
export interface LossNotice {
  readonly lost?: number;
  readonly reason: string;
}

const JOURNALD_MISSED = /Missed (\d+) kernel messages/;
const KERNEL_AUDIT_LOST =
  /audit: (printk limit exceeded|rate limit exceeded|backlog limit exceeded|kauditd hold queue overflow)/;
// The kernel's printk rate limit (kernel.printk_ratelimit), counted once its interval is over.
const KERNEL_AUDIT_SUPPRESSED = /kauditd_printk_skb: (\d+) callbacks suppressed/;
// rsyslog's imuxsock rate limit: "imuxsock[pid: 6831, name: logger]: 250 messages lost due to rate-limiting".
const RSYSLOG_RATE_LIMITED = /(\d+) messages lost due to rate-limiting/;

/**
 * Recognises the notices journald, the kernel (audit code, printk rate limit) and rsyslog write
 * when they drop messages.
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
  if (text.includes(' callbacks suppressed')) {
    const suppressed = KERNEL_AUDIT_SUPPRESSED.exec(text);
    if (suppressed) {
      return {
        lost: Number(suppressed[1]),
        reason: "the kernel's printk rate limit suppressed audit records (kernel.printk_ratelimit)",
      };
    }
  }
  if (text.includes(' due to rate-limiting')) {
    const rsyslog = RSYSLOG_RATE_LIMITED.exec(text);
    if (rsyslog) return { lost: Number(rsyslog[1]), reason: "rsyslog's rate limit dropped messages" };
  }
  return undefined;
}
