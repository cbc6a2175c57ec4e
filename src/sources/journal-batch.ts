import { lossNoticeOf } from './loss-notice.js';
import { journalLineFacts, RecentKeys } from './journal-entry.js';
import type { SourceLine, SourceOptions } from './types.js';

/** Texts every loss notice holds (lossNoticeOf's patterns): a line with none of them is not one. */
const NOTICE_MARKS = [
  'Missed ',
  'audit: printk limit exceeded',
  'audit: rate limit exceeded',
  'audit: backlog limit exceeded',
  'audit: kauditd hold queue overflow',
  ' callbacks suppressed',
  ' due to rate-limiting',
];

/** lossNoticeOf(text) !== undefined, with a substring test first for the usual line. */
export const mayHoldLossNotice = (text: string): boolean =>
  NOTICE_MARKS.some((mark) => text.includes(mark)) && lossNoticeOf(text) !== undefined;

/**
 * What both journal readers do with the JSON lines they read: remember the last cursor (where
 * to resume), report loss notices, and deliver the two copies of one audit record once.
 */
export class JournalBatchFilter {
  /** The cursor of the last entry seen, delivered or not. */
  cursor: string | undefined;
  private readonly auditRecords = new RecentKeys(4096);

  constructor(
    cursor: string | undefined,
    private readonly onGap: SourceOptions['onGap'],
  ) {
    this.cursor = cursor;
  }

  keep(batch: readonly string[], receivedAt: number): SourceLine[] {
    const kept: SourceLine[] = [];
    for (const line of batch) {
      const facts = journalLineFacts(line, mayHoldLossNotice);
      if (facts.cursor !== undefined) this.cursor = facts.cursor;
      const notice = facts.noticeText !== undefined ? lossNoticeOf(facts.noticeText) : undefined;
      if (notice) this.onGap?.({ source: 'journald', ...notice, at: Date.now() });
      if (facts.auditKey !== undefined && this.auditRecords.seen(facts.auditKey)) continue;
      kept.push({ line, source: 'journald', receivedAt });
    }
    return kept;
  }
}
