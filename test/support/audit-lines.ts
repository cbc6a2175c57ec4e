/**
 * fast-check arbitraries for kernel audit lines in syslog form, near and on the edges of the form
 * the line cache takes apart (src/parse/line-cache.ts): odd months, days, hosts, printk stamps,
 * types, stamps, pid= and ip= values (twice, inside other names, too long, not hex), quotes,
 * backslashes, hex-encoded values, non-ASCII and control bytes, "message repeated", truncation.
 */
import fc from 'fast-check';

const pick = <T>(...values: T[]): fc.Arbitrary<T> => fc.constantFrom(...values);
const digits = (min: number, max: number): fc.Arbitrary<string> =>
  fc.string({ unit: pick('0', '1', '2', '5', '9'), minLength: min, maxLength: max });
const hex = (min: number, max: number): fc.Arbitrary<string> =>
  fc.string({ unit: pick('0', '7', 'a', 'f', 'C', 'x'), minLength: min, maxLength: max });

const month = fc.oneof(
  { weight: 30, arbitrary: pick('Nov', 'Jan', 'May') },
  pick('nov', 'NOV', 'Nov.', 'Xyz'),
);
const day = fc.oneof({ weight: 30, arbitrary: pick(' 5', '22', '01') }, pick('5', '  5', 'x5'));
const clock = fc.oneof({ weight: 30, arbitrary: pick('10:02:30', '23:59:59') }, pick('1:02:30', '10:02'));
const host = fc.oneof(
  { weight: 30, arbitrary: pick('devbox', 'ubuntu-2404', 'h') },
  pick('a'.repeat(255), 'a'.repeat(256), 'hôst', 'h\tx', ''),
);
const printk = fc.oneof(
  { weight: 24, arbitrary: pick('', '[ 1234.567890] ', '[    1.5] ', '[12.000000001] ') },
  { weight: 3, arbitrary: fc.tuple(digits(1, 13), digits(1, 10)).map(([s, f]) => `[${s}.${f}] `) },
  pick('[1234] ', '[ 1.5]', '[x.5] '),
);
const auditType = fc.oneof(
  { weight: 24, arbitrary: pick('1400', '1326', '1107', '1500', '1599') },
  pick('1300', '1600', '0400', '14000', '140', 'AVC'),
);
const stamp = fc.oneof(
  { weight: 24, arbitrary: fc.tuple(digits(10, 10), digits(3, 3), digits(1, 6)) },
  fc.tuple(digits(0, 13), digits(2, 4), digits(0, 21)),
);
const pid = fc.oneof({ weight: 24, arbitrary: digits(1, 7) }, digits(0, 11), pick('12a', '-1', ''));
const ip = fc.oneof({ weight: 24, arbitrary: hex(4, 12).map((h) => `0x${h}`) }, hex(0, 20), pick('0x', '12'));

const apparmorBody = fc
  .record({
    operation: pick('open', 'mknod', 'connect', 'dbus_method_call'),
    profile: pick(
      'snap.hello.hello',
      'snap.steam.steam',
      '/usr/bin/man',
      'snap.hello.hello',
      'snap.café.app',
    ),
    name: fc.oneof(
      {
        weight: 12,
        arbitrary: pick('"/etc/fstab"', '2F746D702F612062', '"/tmp/a\\"b"', '"/x\\\\y"', '"/é"'),
      },
      // Lines about as long as the longest the line cache takes (4096 characters).
      fc.integer({ min: 3850, max: 3950 }).map((n) => `"/${'a'.repeat(n)}"`),
    ),
    pid,
    tail: pick('', ' fsuid=1000 ouid=0', ' comm="cat" requested_mask="r" denied_mask="r"'),
  })
  .map(
    ({ operation, profile, name, pid, tail }) =>
      `apparmor="DENIED" operation="${operation}" profile="${profile}" name=${name} pid=${pid}${tail}`,
  );
const seccompBody = fc
  .record({
    subj: pick('snap.rt-app.edf', 'snap.steam.steam', 'unconfined'),
    pid,
    arch: pick('c000003e', '40000003', 'c00000b7'),
    syscall: pick('314', '2', '1000', '0'),
    compat: pick('0', '1'),
    ip,
  })
  .map(
    ({ subj, pid, arch, syscall, compat, ip }) =>
      `auid=1000 uid=1000 gid=1000 ses=1 subj=${subj} pid=${pid} comm="edf" exe="/snap/rt-app/x1/bin/edf" sig=0 arch=${arch} syscall=${syscall} compat=${compat} ip=${ip} code=0x7ffc0000`,
  );
/** Bodies with per-process values in odd places: twice, inside another name, first, quoted. */
const oddBody = pick(
  'pid=12 ppid=1 apparmor="DENIED" operation="open" profile="snap.a.b" name="/x"',
  'apparmor="DENIED" operation="open" profile="snap.a.b" name="/x pid=5" pid=7',
  'apparmor="DENIED" operation="open" profile="snap.a.b" name="/x" pid=7 pid=8',
  'apparmor="DENIED" operation="open" profile="snap.a.b" name="/x" opid=7',
  'apparmor="DENIED" operation="open" profile="snap.a.b" name="/x" pid=7x',
  'subj=snap.a.b pid=3 ip=0x12 ip=0x13 arch=c000003e syscall=2 code=0x7ffc0000',
  'subj=snap.a.b pid=3 sip=0x12 arch=c000003e syscall=2 code=0x7ffc0000',
  '',
);

/** One kernel audit line (perhaps malformed), its parts chosen so that lines often share a key. */
export const auditLine: fc.Arbitrary<string> = fc
  .record({
    month,
    day,
    clock,
    host,
    kernel: fc.oneof({ weight: 30, arbitrary: fc.constant(' kernel: ') }, pick(' kernel:', ' kern: ')),
    printk,
    type: auditType,
    stamp,
    gap: fc.oneof({ weight: 24, arbitrary: fc.constant(' ') }, pick('', '  ', ' \t')),
    body: fc.oneof(apparmorBody, seccompBody, oddBody),
    trailing: fc.oneof({ weight: 24, arbitrary: fc.constant('') }, pick(' ', '\x1dAUID="x"', '\x00', 'é')),
    cut: fc.oneof({ weight: 30, arbitrary: fc.constant(-1) }, fc.nat(300)),
    repeated: fc.oneof({ weight: 30, arbitrary: fc.constant(false) }, fc.constant(true)),
  })
  .map((p) => {
    const [seconds, millis, serial] = p.stamp;
    const record = `audit: type=${p.type} audit(${seconds}.${millis}:${serial}):${p.gap}${p.body}${p.trailing}`;
    const message = p.repeated ? `message repeated 3 times: [ ${record}]` : `${p.printk}${record}`;
    const line = `${p.month} ${p.day} ${p.clock} ${p.host}${p.kernel}${message}`;
    return p.cut >= 0 ? line.slice(0, p.cut) : line;
  });

/**
 * The same record logged again by another process (as the line cache keys repeats): new stamps,
 * pid= and ip= values, the rest unchanged.
 */
export const relogged = (line: string, seed: number): string => {
  let n = seed;
  const next = (): number => (n = (n * 1103515245 + 12345) % 2147483648);
  return line
    .replace(/audit\((\d+)\.(\d+):(\d+)\)/, (_m, s: string, ms: string, serial: string) =>
      s.length === 10 && ms.length === 3
        ? `audit(${1_600_000_000 + (next() % 1e8)}.${String(next() % 1000).padStart(3, '0')}:${next() % 1e7})`
        : `audit(${s}.${ms}:${serial})`,
    )
    .replace(/(^| )pid=\d{1,7}( |$)/, (_m, a: string, b: string) => `${a}pid=${1 + (next() % 4_000_000)}${b}`)
    .replace(
      / ip=0x[0-9a-f]{4,12}( |$)/,
      (_m, b: string) => ` ip=0x${(next() % 0x7fffffff).toString(16)}${b}`,
    )
    .replace(
      /^(\w{3} [ \d]\d) \d\d:\d\d:\d\d/,
      (_m, d: string) => `${d} ${String(next() % 24).padStart(2, '0')}:07:09`,
    );
};
