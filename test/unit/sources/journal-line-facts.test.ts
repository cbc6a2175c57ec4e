import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditRecordKey, journalLineFacts, parseJournalEntry } from '../../../src/sources/journal-entry.js';
import { lossNoticeOf } from '../../../src/sources/loss-notice.js';

const mayHoldNotice = (text: string): boolean => lossNoticeOf(text) !== undefined;

/** What the source needs, the slow and obvious way: JSON.parse of the whole entry. */
function expected(line: string): { cursor?: string; auditKey?: string; notice?: unknown } {
  const entry = parseJournalEntry(line);
  if (!entry) return {};
  const cursor = entry['__CURSOR'];
  const message = entry['MESSAGE'];
  const auditKey = auditRecordKey(entry);
  const notice = typeof message === 'string' ? lossNoticeOf(message) : undefined;
  return {
    ...(typeof cursor === 'string' ? { cursor } : {}),
    ...(auditKey !== undefined ? { auditKey } : {}),
    ...(notice ? { notice } : {}),
  };
}

function actual(line: string): { cursor?: string; auditKey?: string; notice?: unknown } {
  const facts = journalLineFacts(line, mayHoldNotice);
  const notice = facts.noticeText !== undefined ? lossNoticeOf(facts.noticeText) : undefined;
  return {
    ...(facts.cursor !== undefined ? { cursor: facts.cursor } : {}),
    ...(facts.auditKey !== undefined ? { auditKey: facts.auditKey } : {}),
    ...(notice ? { notice } : {}),
  };
}

const CURSOR = 's=50b5ccbd;i=4b72ef;b=bd7c9b27;m=31f387a2d;t=660de7ecc808c;x=2e67bc0a';
const KERNEL = {
  __CURSOR: CURSOR,
  _TRANSPORT: 'kernel',
  MESSAGE: 'audit: type=1326 audit(1795358586.597:3918081): pid=13481 comm="load-seccomp" syscall=134',
};
const AUDIT = {
  __CURSOR: CURSOR,
  _TRANSPORT: 'audit',
  _AUDIT_ID: '3918081',
  _SOURCE_REALTIME_TIMESTAMP: '1795358586597000',
  MESSAGE: 'SECCOMP pid=13481 comm="load-seccomp" syscall=134',
};

describe('journalLineFacts', () => {
  it('reads the cursor and the same record key from both copies of an audit record', () => {
    expect(actual(JSON.stringify(KERNEL))).toEqual({ cursor: CURSOR, auditKey: '1795358586.597:3918081' });
    expect(actual(JSON.stringify(AUDIT))).toEqual({ cursor: CURSOR, auditKey: '1795358586.597:3918081' });
  });

  it('is not fooled by a key-like text inside a value', () => {
    const line = JSON.stringify({
      MESSAGE: 'x "__CURSOR":"fake" "_TRANSPORT":"kernel"',
      __CURSOR: CURSOR,
      _TRANSPORT: 'syslog',
    });
    expect(actual(line)).toEqual({ cursor: CURSOR });
  });

  it('decodes escaped values through JSON.parse', () => {
    const line = JSON.stringify({ ...KERNEL, __CURSOR: 's=a\\b;i="1"' });
    expect(actual(line)).toEqual({ cursor: 's=a\\b;i="1"', auditKey: '1795358586.597:3918081' });
  });

  it('passes loss notices on with the decoded message', () => {
    const line = JSON.stringify({
      __CURSOR: CURSOR,
      _TRANSPORT: 'journal',
      MESSAGE: 'Missed 12 kernel messages',
    });
    expect(actual(line)).toEqual({ cursor: CURSOR, notice: expect.objectContaining({ lost: 12 }) });
  });

  it('gives nothing for a line that is not a JSON object', () => {
    expect(actual('not json')).toEqual({});
    expect(actual('[1,2]')).toEqual({});
  });

  it('agrees with JSON.parse on any entry, escapes and arrays included', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom(
        'kernel',
        'audit',
        'syslog',
        '"__CURSOR":"x"',
        '\\',
        'audit: type=1326 audit(1.002:3): x',
        'audit: type=1326 audit(1.2:3\\): x',
        'Missed 7 kernel messages',
        'audit: backlog limit exceeded',
        '1795358586597000',
        '42',
      ),
    );
    const value = fc.oneof(
      { weight: 4, arbitrary: text },
      { weight: 1, arbitrary: fc.array(text, { minLength: 1, maxLength: 3 }) },
      { weight: 1, arbitrary: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 5 }) },
    );
    const name = fc.constantFrom(
      '__CURSOR',
      '_TRANSPORT',
      'MESSAGE',
      '_AUDIT_ID',
      '_SOURCE_REALTIME_TIMESTAMP',
      '_PID',
      'X__CURSOR',
      '_CURSOR',
    );
    const entry = fc.dictionary(name, value, { maxKeys: 8 });
    fc.assert(
      fc.property(entry, (fields) => {
        const line = JSON.stringify(fields);
        expect(actual(line)).toEqual(expected(line));
      }),
      { numRuns: 3000 },
    );
    // 3,000 runs take a second alone and have taken over 5 on a loaded machine.
  }, 60_000);
});
