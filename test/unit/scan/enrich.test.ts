import { describe, expect, it } from 'vitest';
import type { Denial } from '../../../src/model/denial.js';
import { parseLine } from '../../../src/parse/index.js';
import { Enricher, accessKey } from '../../../src/scan/enrich.js';
import { loadRules, suggest } from '../../../src/suggest/index.js';
import { rulesDir } from '../../../src/paths.js';

function denialOf(line: string): Denial {
  const result = parseLine(line, 'file');
  if (result.kind !== 'denial') throw new Error(`not a denial: ${line}`);
  return result.denial;
}

const open = (pid: number, name: string, stamp: string): string =>
  `Nov 22 10:00:18 host kernel: audit: type=1400 audit(${stamp}): apparmor="DENIED" operation="open" class="file" profile="snap.bar.daemon" name="${name}" pid=${pid} comm="bar" requested_mask="r" denied_mask="r" fsuid=0 ouid=0`;

describe('accessKey', () => {
  it('is the same for repeats that differ only in pid and time, and differs with the path', () => {
    const first = accessKey(denialOf(open(10, '/etc/shadow', '1763805600.18:18')));
    expect(accessKey(denialOf(open(99, '/etc/shadow', '1763805999.5:77')))).toBe(first);
    expect(accessKey(denialOf(open(10, '/etc/passwd', '1763805600.18:18')))).not.toBe(first);
  });

  it('tells an absent value from an empty one and the owner case from the other', () => {
    const base: Denial = { kind: 'apparmor', log: '', raw: '' };
    expect(accessKey({ ...base, path: '' })).not.toBe(accessKey(base));
    expect(accessKey({ ...base, fsuid: 1, ouid: 1 })).not.toBe(accessKey({ ...base, fsuid: 1, ouid: 2 }));
    expect(accessKey({ ...base, exe: '/snap/a/1/x' })).toBe(accessKey({ ...base, exe: '/snap/b/2/y' }));
  });
});

describe('Enricher', () => {
  it('gives repeats the very same suggestions as the first, and names the syscall', () => {
    const enricher = new Enricher(loadRules(rulesDir(), { cacheDir: false }));
    const first = enricher.enrich(denialOf(open(10, '/etc/shadow', '1763805600.18:18')));
    const again = enricher.enrich(denialOf(open(11, '/etc/shadow', '1763805601.18:19')));
    expect(first.suggestions?.length).toBeGreaterThan(0);
    expect(again.suggestions).toBe(first.suggestions);
    const seccomp = enricher.enrich(
      denialOf(
        'Nov 22 10:03:33 host kernel: audit: type=1326 audit(1763805600.213:213): auid=1000 uid=1000 gid=1000 ses=3 subj=snap.foo.app (enforce) pid=1213 comm="foo" exe="/snap/foo/12/bin/foo" sig=0 arch=c000003e syscall=165 compat=0 ip=0x7f3a2b1c4d5e code=0x50000',
      ),
    );
    expect(seccomp.syscall).toMatchObject({ number: 165, name: 'mount', arch: 'x86_64' });
  });
});

describe('Enricher and file ownership', () => {
  // An owner-only grant (nfs-mount's @{PROC}/@{pid}/mounts) applies when the file's owner is the
  // accessing user, or when the log leaves either side out; repeats must not borrow the other case.
  const mounts = (owner: string): Denial =>
    denialOf(
      `Nov 22 10:00:18 host kernel: audit: type=1400 audit(1763805600.18:18): apparmor="DENIED" operation="open" class="file" profile="snap.bar.daemon" name="/proc/123/mounts" pid=123 comm="bar" requested_mask="r" denied_mask="r" fsuid=1000${owner}`,
    );

  it('keeps a denial without ouid apart from one owned by someone else', () => {
    const rules = loadRules(rulesDir(), { cacheDir: false });
    const unknownOwner = mounts('');
    const otherOwner = mounts(' ouid=0');
    const ids = (d: Denial) => suggest(d, rules).map((s) => s.id);
    expect(ids(unknownOwner)).toContain('nfs-mount');
    expect(ids(otherOwner)).not.toContain('nfs-mount');
    for (const order of [
      [unknownOwner, otherOwner],
      [otherOwner, unknownOwner],
    ]) {
      const enricher = new Enricher(rules);
      for (const d of order) expect(enricher.enrich({ ...d }).suggestions).toEqual(suggest(d, rules));
    }
  });
});
