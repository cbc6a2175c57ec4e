/**
 * Hostile log lines for fuzzing: real seed lines (the labelled corpus, the recorded real-world
 * lines, libapparmor's own test inputs) mutated the ways logs really break — flipped bytes,
 * truncation, duplicated or lost key=value tokens, quoting and hex-encoding changes, huge values,
 * NULs, CRs, invalid UTF-8 — mixed with syslog noise. Deterministic: the same seed gives the
 * same lines, so a failure can be replayed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const FIXTURES = resolve(import.meta.dirname, '../fixtures');
/** shared/ sits next to the repository. */
const SHARED = resolve(import.meta.dirname, '../../../shared');

/** A small fast PRNG (mulberry32). */
export class Rng {
  /** @param {number} seed */
  constructor(seed) {
    this.state = seed >>> 0;
  }

  /** @returns {number} an unsigned 32-bit integer */
  next() {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** @param {number} bound @returns {number} 0 <= n < bound */
  int(bound) {
    return bound <= 0 ? 0 : this.next() % bound;
  }

  /** @template T @param {readonly T[]} items @returns {T} */
  pick(items) {
    return items[this.int(items.length)];
  }

  /** @param {number} percent */
  chance(percent) {
    return this.int(100) < percent;
  }
}

/** Every real line the repository holds: corpus denials, recorded real-world lines, libapparmor inputs. */
/** @returns {string[]} */
export function seedLines() {
  const corpus = parse(readFileSync(join(FIXTURES, 'corpus/denials.yaml'), 'utf8'));
  const realWorld = parse(readFileSync(join(FIXTURES, 'lines/real-world.yaml'), 'utf8'));
  const conformanceDir = join(SHARED, 'conformance/apparmor-test_multi');
  const conformance = readdirSync(conformanceDir)
    .filter((name) => name.endsWith('.in'))
    .sort()
    .flatMap((name) => readFileSync(join(conformanceDir, name), 'utf8').split('\n'))
    .filter((line) => line.length > 0);
  return [...corpus.map((e) => e.line), ...realWorld.map((e) => e.line), ...conformance];
}

/** Lines a busy syslog holds that are no denial at all. */
const NOISE = [
  'Nov 22 10:00:01 host systemd[1]: Started Session 42 of user jo.',
  'Nov 22 10:00:02 host CRON[1234]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)',
  'Nov 22 10:00:03 host kernel: [ 123.456789] usb 1-1: new high-speed USB device number 3 using xhci_hcd',
  'Nov 22 10:00:04 host NetworkManager[700]: <info>  [1700000000.1234] dhcp4 (eth0): state changed bound -> bound',
  'Nov 22 10:00:05 host sshd[999]: Accepted publickey for jo from 10.0.0.2 port 50000 ssh2: ED25519 SHA256:abc=',
  'Nov 22 10:00:06 host kernel: audit: type=1300 audit(1700000000.123:42): arch=c000003e syscall=59 success=yes',
  'Nov 22 10:00:07 host kernel: audit: type=1400 audit(1700000000.124:43): apparmor="STATUS" operation="profile_load" profile="unconfined" name="snap.a.b" pid=1 comm="apparmor_parser"',
  "Nov 22 10:00:08 host dbus-daemon[600]: [system] Activating service name='org.freedesktop.hostname1' requested by ':1.5'",
  '{"__REALTIME_TIMESTAMP":"1700000000000000","MESSAGE":"hello world","SYSLOG_IDENTIFIER":"x"}',
  '',
  'type=SYSCALL msg=audit(1700000000.125:44): arch=c000003e syscall=257 success=no exit=-13',
];

const CONTROL = ['\0', '\r', '\x1d', '\t', '\x7f', '\x1b[31m', '#012', '\\x0a'];

/** @param {string} line @returns {{ start: number, end: number }[]} */
function tokenSpans(line) {
  const spans = [];
  const re = /[A-Za-z_][A-Za-z0-9_]*=(?:"[^"]*"|'[^']*'|\S*)/g;
  for (let m = re.exec(line); m !== null; m = re.exec(line))
    spans.push({ start: m.index, end: re.lastIndex });
  return spans;
}

/** @param {string} text */
function hexOf(text) {
  return Buffer.from(text, 'utf8').toString('hex').toUpperCase();
}

/** @typedef {(line: string, rng: Rng) => string} Mutation */

/** The named mutations; each returns a new line. @type {Readonly<Record<string, Mutation>>} */
export const MUTATIONS = {
  flipByte(line, rng) {
    const bytes = Buffer.from(line, 'utf8');
    if (bytes.length === 0) return line;
    const at = rng.int(bytes.length);
    bytes[at] = bytes[at] ^ (1 << rng.int(8));
    return bytes.toString('utf8');
  },
  truncate(line, rng) {
    return line.slice(0, rng.int(line.length + 1));
  },
  duplicateToken(line, rng) {
    const spans = tokenSpans(line);
    if (spans.length === 0) return line;
    const span = rng.pick(spans);
    const at = rng.pick(spans);
    return `${line.slice(0, at.start)}${line.slice(span.start, span.end)} ${line.slice(at.start)}`;
  },
  removeToken(line, rng) {
    const spans = tokenSpans(line);
    if (spans.length === 0) return line;
    const span = rng.pick(spans);
    return line.slice(0, span.start) + line.slice(span.end);
  },
  requote(line, rng) {
    const spans = tokenSpans(line);
    if (spans.length === 0) return line;
    const { start, end } = rng.pick(spans);
    const token = line.slice(start, end);
    const eq = token.indexOf('=');
    const value = token.slice(eq + 1);
    const bare = value.replace(/^["']|["']$/g, '');
    const forms = [`"${bare}`, `${bare}"`, `'${bare}'`, bare, `"${bare}"`, `""${bare}""`];
    return `${line.slice(0, start)}${token.slice(0, eq + 1)}${rng.pick(forms)}${line.slice(end)}`;
  },
  hexEncode(line, rng) {
    const spans = tokenSpans(line);
    if (spans.length === 0) return line;
    const { start, end } = rng.pick(spans);
    const token = line.slice(start, end);
    const eq = token.indexOf('=');
    const bare = token.slice(eq + 1).replace(/^"|"$/g, '');
    const hex = rng.chance(50) ? hexOf(bare) : hexOf(bare).toLowerCase().slice(0, -1);
    return `${line.slice(0, start)}${token.slice(0, eq + 1)}${hex}${line.slice(end)}`;
  },
  hugeValue(line, rng) {
    const spans = tokenSpans(line);
    const filler = rng.pick(['A', '/', '"', ' ', '=', '\\', 'é']).repeat(1000 + rng.int(64_000));
    if (spans.length === 0) return line + filler;
    const { end } = rng.pick(spans);
    const inside = line[end - 1] === '"' ? end - 1 : end;
    return line.slice(0, inside) + filler + line.slice(inside);
  },
  insertControl(line, rng) {
    const at = rng.int(line.length + 1);
    return line.slice(0, at) + rng.pick(CONTROL) + line.slice(at);
  },
  invalidUtf8(line, rng) {
    const bytes = Buffer.from(line, 'utf8');
    const at = rng.int(bytes.length + 1);
    const bad = Buffer.from([rng.pick([0xc3, 0xe2, 0xf0, 0xff, 0x80, 0xed])]);
    return Buffer.concat([bytes.subarray(0, at), bad, bytes.subarray(at)]).toString('utf8');
  },
  loneSurrogate(line, rng) {
    const at = rng.int(line.length + 1);
    return `${line.slice(0, at)}${rng.pick(['\ud800', '\udfff'])}${line.slice(at)}`;
  },
  splice(line, rng) {
    const at = rng.int(line.length + 1);
    return line.slice(0, at) + rng.pick(NOISE).slice(rng.int(40));
  },
  repeatWrapper(line) {
    return `Nov 22 10:00:00 host kernel: message repeated 3 times: [ ${line.replace(/^.*?kernel: /, '')}]`;
  },
};

const MUTATION_NAMES = Object.keys(MUTATIONS);

/** `line` after 1 to 3 random mutations (huge values only rarely: they cost time in bulk runs). */
/** @param {string} line @param {Rng} rng @returns {string} */
export function mutate(line, rng) {
  let out = line;
  const count = 1 + rng.int(3);
  for (let i = 0; i < count; i++) {
    let name = rng.pick(MUTATION_NAMES);
    if (name === 'hugeValue' && !rng.chance(2)) name = 'flipByte';
    out = MUTATIONS[name](out, rng);
  }
  return out;
}

/** Random printable text and bytes, sometimes with a record marker in it. */
/** @param {Rng} rng @returns {string} */
export function noiseLine(rng) {
  const kind = rng.int(4);
  if (kind === 0) return rng.pick(NOISE);
  if (kind === 1) {
    const bytes = Buffer.alloc(rng.int(300));
    for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(256);
    return bytes.toString('utf8').replace(/\n/g, ' ');
  }
  const marker = rng.pick(['apparmor=', 'type=1326', 'SECCOMP', 'DEVICE_CGROUP', 'type=1400', 'audit(', '=']);
  let text = '';
  const length = rng.int(200);
  for (let i = 0; i < length; i++) text += String.fromCharCode(0x20 + rng.int(0x5f));
  const at = rng.int(text.length + 1);
  return text.slice(0, at) + marker + text.slice(at);
}

/**
 * @typedef {object} FuzzLineOptions
 * @property {number} seed
 * @property {number} count
 * @property {number} [intactPercent] lines that are real seeds left untouched (default 10)
 * @property {number} [noisePercent] lines that are noise (default 30)
 */

/** `count` lines: intact seeds, mutated seeds and noise, none holding a newline. */
/** @param {FuzzLineOptions} options @param {readonly string[]} [seeds] @returns {Generator<string>} */
export function* fuzzLines(options, seeds = seedLines()) {
  const rng = new Rng(options.seed);
  const intact = options.intactPercent ?? 10;
  const noise = options.noisePercent ?? 30;
  for (let i = 0; i < options.count; i++) {
    const roll = rng.int(100);
    let line;
    if (roll < intact) line = rng.pick(seeds);
    else if (roll < intact + noise) line = noiseLine(rng);
    else line = mutate(rng.pick(seeds), rng);
    yield line.replace(/\n/g, ' ');
  }
}
