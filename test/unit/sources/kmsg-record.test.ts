import { describe, expect, it } from 'vitest';
import { parseKmsgRecord, recordsLostBetween } from '../../../src/sources/kmsg-record.js';

const SECCOMP_RECORD =
  '5,1422,488119800,-;audit: type=1326 audit(1795345666.021:5): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=8980 comm="seccomp-trigger" exe="/work/main/native/build/helpers/seccomp-trigger" sig=0 arch=c000003e syscall=39 compat=0 ip=0x7ff288c6c829 code=0x50000\n';

describe('parseKmsgRecord', () => {
  it('reads priority, sequence, microseconds, flags and the message of a real record', () => {
    expect(parseKmsgRecord(SECCOMP_RECORD)).toEqual({
      priority: 5,
      sequence: 1422,
      microseconds: 488119800,
      flags: '-',
      message: SECCOMP_RECORD.slice(SECCOMP_RECORD.indexOf(';') + 1, -1),
      line: SECCOMP_RECORD.slice(0, -1),
    });
  });

  it('drops the dictionary continuation lines and accepts extra header fields', () => {
    const record = parseKmsgRecord(
      '6,339,5140900,-,caller=T1;NET: Registered protocol family 10\n SUBSYSTEM=net\n DEVICE=n1\n',
    );
    expect(record?.sequence).toBe(339);
    expect(record?.message).toBe('NET: Registered protocol family 10');
  });

  it('refuses what is not a record', () => {
    expect(parseKmsgRecord('audit: type=1326 no header\n')).toBeUndefined();
    expect(parseKmsgRecord('')).toBeUndefined();
  });
});

describe('recordsLostBetween', () => {
  it('counts the sequence numbers skipped between two records read', () => {
    expect(recordsLostBetween(undefined, 1000)).toBe(0);
    expect(recordsLostBetween(999, 1000)).toBe(0);
    expect(recordsLostBetween(100, 1000)).toBe(899);
    expect(recordsLostBetween(1000, 1000)).toBe(0);
  });
});
