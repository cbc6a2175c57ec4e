import { describe, expect, it } from 'vitest';
import { auditRecordKey, parseJournalEntry, RecentKeys } from '../../../src/sources/journal-entry.js';

// One real seccomp record as journald stored it twice (no auditd running), trimmed to the fields used.
const AUDIT_TRANSPORT = {
  _TRANSPORT: 'audit',
  MESSAGE:
    'SECCOMP auid=4294967295 uid=0 gid=0 ses=4294967295 pid=21886 comm="seccomp-trigger" exe="/work/main/native/build/helpers/seccomp-trigger" sig=0 arch=c000003e syscall=39 compat=0 ip=0x7fceeab58829 code=0x50000',
  _AUDIT_ID: '93',
  _AUDIT_TYPE: '1326',
  _SOURCE_REALTIME_TIMESTAMP: '1795347012377000',
};
const KERNEL_TRANSPORT = {
  _TRANSPORT: 'kernel',
  MESSAGE:
    'audit: type=1326 audit(1795347012.377:93): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=21886 comm="seccomp-trigger" exe="/work/main/native/build/helpers/seccomp-trigger" sig=0 arch=c000003e syscall=39 compat=0 ip=0x7fceeab58829 code=0x50000',
};

describe('auditRecordKey', () => {
  it('is the same for the audit-transport and kernel-transport copies of one record', () => {
    expect(auditRecordKey(AUDIT_TRANSPORT)).toBe('1795347012.377:93');
    expect(auditRecordKey(KERNEL_TRANSPORT)).toBe('1795347012.377:93');
  });

  it('pads milliseconds as the kernel prints them', () => {
    expect(auditRecordKey({ ...AUDIT_TRANSPORT, _SOURCE_REALTIME_TIMESTAMP: '1795347012007000' })).toBe(
      '1795347012.007:93',
    );
  });

  it('is undefined for entries that are not audit records', () => {
    expect(
      auditRecordKey({ _TRANSPORT: 'syslog', MESSAGE: 'audit: type=1326 audit(1.2:3): x' }),
    ).toBeUndefined();
    expect(auditRecordKey({ _TRANSPORT: 'kernel', MESSAGE: 'EXT4-fs (vda): mounted' })).toBeUndefined();
    expect(auditRecordKey({ _TRANSPORT: 'audit', MESSAGE: 'SECCOMP' })).toBeUndefined();
  });
});

describe('RecentKeys', () => {
  it('says seen for a repeat and forgets the oldest beyond its capacity', () => {
    const keys = new RecentKeys(2);
    expect(keys.seen('a')).toBe(false);
    expect(keys.seen('a')).toBe(true);
    expect(keys.seen('b')).toBe(false);
    expect(keys.seen('c')).toBe(false);
    expect(keys.seen('a')).toBe(false);
  });
});

describe('parseJournalEntry', () => {
  it('parses one JSON object per line and refuses anything else', () => {
    expect(parseJournalEntry(JSON.stringify(KERNEL_TRANSPORT))).toEqual(KERNEL_TRANSPORT);
    expect(parseJournalEntry('[1,2]')).toBeUndefined();
    expect(parseJournalEntry('not json')).toBeUndefined();
    expect(parseJournalEntry('null')).toBeUndefined();
  });
});
