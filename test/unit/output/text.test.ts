import { describe, expect, it } from 'vitest';
import type { Denial } from '../../../src/model/denial.js';
import { formatBlock, maskWords } from '../../../src/output/text.js';
import { parseLine } from '../../../src/parse/index.js';
import { Enricher } from '../../../src/scan/enrich.js';

function denialOf(line: string): Denial {
  const result = parseLine(line, 'syslog');
  if (result.kind !== 'denial') throw new Error(`not a denial: ${line}`);
  return new Enricher().enrich(result.denial);
}

// The published snappy-debug outputs in ../shared/reference/snappy-debug.md, fed as the syslog
// lines they came from; suggestions are left out here (the suggestion tests cover them).
describe('snappy-debug block format', () => {
  it('prints example A (AppArmor mknod, write)', () => {
    const line =
      'Mar 13 15:17:16 ubuntu kernel: [ 5234.123456] audit: type=1400 audit(1489418236.120:512): apparmor="DENIED" operation="mknod" profile="snap.hello-world.evil" name="/var/tmp/myevil.txt" pid=28941 comm="evil" requested_mask="c" denied_mask="c" fsuid=1000 ouid=1000';
    expect(formatBlock(denialOf(line))).toBe(
      [
        '= AppArmor =',
        'Time: Mar 13 15:17:16',
        'Log: apparmor="DENIED" operation="mknod" profile="snap.hello-world.evil" name="/var/tmp/myevil.txt" pid=28941 comm="evil" requested_mask="c" denied_mask="c" fsuid=1000 ouid=1000',
        'File: /var/tmp/myevil.txt (write)',
      ].join('\n'),
    );
  });

  it('prints example A (AppArmor open, read)', () => {
    const line =
      'Mar 13 15:17:42 ubuntu kernel: audit: type=1400 audit(1489418262.220:513): apparmor="DENIED" operation="open" profile="snap.hello-world.sh" name="/etc/fstab" pid=29215 comm="cat" requested_mask="r" denied_mask="r" fsuid=1000 ouid=0';
    expect(formatBlock(denialOf(line))).toBe(
      [
        '= AppArmor =',
        'Time: Mar 13 15:17:42',
        'Log: apparmor="DENIED" operation="open" profile="snap.hello-world.sh" name="/etc/fstab" pid=29215 comm="cat" requested_mask="r" denied_mask="r" fsuid=1000 ouid=0',
        'File: /etc/fstab (read)',
      ].join('\n'),
    );
  });

  it('prints example C (seccomp, syscall rewritten with its name)', () => {
    const line =
      'Mar 27 20:29:40 rt kernel: [ 812.001] audit: type=1326 audit(1711571380.417:1301): auid=1000 uid=1000 gid=1000 ses=119 subj=snap.rt-app.edf pid=37555 comm="edf" exe="/snap/rt-app/x1/bin/edf" sig=0 arch=c000003e syscall=314 compat=0 ip=0x78846c90325d code=0x7ffc0000';
    const denial = denialOf(line);
    expect(denial.snap).toBe('rt-app');
    expect(denial.app).toBe('edf');
    expect(formatBlock(denial)).toBe(
      [
        '= Seccomp =',
        'Time: Mar 27 20:29:40',
        'Log: auid=1000 uid=1000 gid=1000 ses=119 subj=snap.rt-app.edf pid=37555 comm="edf" exe="/snap/rt-app/x1/bin/edf" sig=0 arch=c000003e 314(sched_setattr) compat=0 ip=0x78846c90325d code=0x7ffc0000',
        'Syscall: sched_setattr',
      ].join('\n'),
    );
  });

  it('resolves ARM private calls on the arm table', () => {
    const line =
      'Nov 22 10:00:00 pi kernel: audit: type=1326 audit(1763805600.000:7): auid=1000 uid=1000 gid=1000 ses=2 pid=812 comm="app" exe="/snap/foo/12/bin/app" sig=0 arch=40000028 syscall=983045 compat=0 ip=0xb6f1a2c4 code=0x50000';
    const block = formatBlock(denialOf(line));
    expect(block).toContain('Syscall: set_tls');
    expect(block).toContain(' 983045(set_tls) ');
  });

  it('says unknown, never guesses, for a number no table has', () => {
    const line =
      'Nov 22 10:00:00 h kernel: audit: type=1326 audit(1763805600.000:8): auid=0 uid=0 gid=0 ses=1 pid=9 comm="x" exe="/snap/foo/1/x" sig=0 arch=c000003e syscall=4000 compat=0 ip=0x1 code=0x50000';
    const block = formatBlock(denialOf(line));
    expect(block).toContain(
      'Log: auid=0 uid=0 gid=0 ses=1 pid=9 comm="x" exe="/snap/foo/1/x" sig=0 arch=c000003e syscall=4000 ',
    );
    expect(block).toContain('Syscall: unknown (number 4000 on x86_64)');
  });

  it('prints one suggestion as "Suggestion:" and several as "Suggestions:"', () => {
    const base = denialOf(
      'Dec  6 04:48:26 gg kernel: audit: type=1400 audit(1701838106.000:9): apparmor="DENIED" operation="mknod" profile="snap.aws-iot-greengrass.greengrassd" name="/home/ubuntu/my-file.txt" pid=12345 comm="touch" requested_mask="c" denied_mask="c" fsuid=0 ouid=0',
    );
    const one = formatBlock({
      ...base,
      suggestions: [{ kind: 'interface', id: 'home', text: "add 'home' to 'plugs'" }],
    });
    expect(one.split('\n').slice(-2)).toEqual(['Suggestion:', "* add 'home' to 'plugs'"]);
    const two = formatBlock({
      ...base,
      suggestions: [
        { kind: 'interface', id: 'home', text: "add 'home' to 'plugs'" },
        { kind: 'advice', id: 'write-to-snap-dirs', text: 'adjust program to write to $SNAP_DATA' },
      ],
    });
    expect(two.split('\n').slice(-3)).toEqual([
      'Suggestions:',
      "* add 'home' to 'plugs'",
      '* adjust program to write to $SNAP_DATA',
    ]);
  });

  it('maps masks to words as snappy-debug does', () => {
    expect(maskWords('c')).toBe('write');
    expect(maskWords('w')).toBe('write');
    expect(maskWords('r')).toBe('read');
    expect(maskWords('rw')).toBe('read, write');
    expect(maskWords('wc')).toBe('write');
  });
});
