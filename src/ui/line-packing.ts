/**
 * A lossless packing of log lines' UTF-8 for the LineArena. Audit records spell out the same
 * field names in every line (` operation="`, ` requested_mask="`, ` comm="`...): each occurrence of
 * one of these words becomes two bytes, 0xFF and the word's number. 0xFF never occurs in UTF-8, so
 * any other byte stands for itself and every well-formed line packs and unpacks to its own bytes.
 */

/** The format's own words: audit headers and the field names of AppArmor, seccomp and cgroup records. */
const WORDS: readonly string[] = [
  'audit: type=1400 audit(',
  'audit: type=1107 audit(',
  'audit: type=1326 audit(',
  'type=AVC msg=audit(',
  'type=SECCOMP msg=audit(',
  'type=USER_AVC msg=audit(',
  'snappy-debug-confine: type=DEVICE_CGROUP audit(',
  ' kernel: ',
  'apparmor="DENIED"',
  'apparmor="ALLOWED"',
  'apparmor="AUDIT"',
  'decision="DENIED"',
  'decision="ALLOWED"',
  ' operation="',
  ' class="',
  ' profile="',
  ' label="',
  ' peer_label="',
  ' name="',
  ' target="',
  ' namespace="',
  ' info="',
  ' error=',
  ' pid=',
  ' comm="',
  ' requested_mask="',
  ' denied_mask="',
  ' requested="',
  ' denied="',
  ' fsuid=',
  ' ouid=',
  ' auid=',
  ' uid=',
  ' gid=',
  ' ses=',
  ' subj=',
  ' exe="',
  ' sig=',
  ' arch=',
  ' syscall=',
  ' compat=',
  ' ip=0x',
  ' code=0x',
  ' capability=',
  ' capname="',
  ' family="',
  ' sock_type="',
  ' protocol=',
  ' signal=',
  ' peer="',
  ' bus="',
  ' path="',
  ' interface="',
  ' member="',
  ' mask="',
  ' fstype="',
  ' srcname="',
  ' flags="',
  ' laddr=',
  ' lport=',
  ' faddr=',
  ' fport=',
  ' addr=',
  ' peer_addr=',
  ' dev_type=',
  ' major=',
  ' minor=',
  ' access="',
  ' msg=',
  '"snap.',
  '/snap/',
  ' (enforce)',
  ' (complain)',
];

const MARK = 0xff;
const encoder = new TextEncoder();
const wordBytes = WORDS.map((word) => encoder.encode(word));
const WORD_START = new Uint32Array(wordBytes.length);
const WORD_LENGTH = new Uint8Array(wordBytes.length);
const WORD_BYTES = new Uint8Array(wordBytes.reduce((sum, bytes) => sum + bytes.length, 0));
{
  let at = 0;
  wordBytes.forEach((bytes, index) => {
    WORD_START[index] = at;
    WORD_LENGTH[index] = bytes.length;
    WORD_BYTES.set(bytes, at);
    at += bytes.length;
  });
}

/** By a word's first two bytes, its number plus one (0: no word starts so); then the next such word. */
const FIRST_BY_PAIR = new Uint8Array(1 << 16);
const NEXT_WITH_PAIR = new Uint8Array(wordBytes.length);
{
  // Longest first, so that the first word matching at a position is the longest there.
  const order = wordBytes.map((_, index) => index).sort((a, b) => WORD_LENGTH[a]! - WORD_LENGTH[b]!);
  for (const index of order) {
    const pair = (wordBytes[index]![0]! << 8) | wordBytes[index]![1]!;
    NEXT_WITH_PAIR[index] = FIRST_BY_PAIR[pair]!;
    FIRST_BY_PAIR[pair] = index + 1;
  }
}

function matchesAt(from: Uint8Array, at: number, end: number, word: number): boolean {
  const length = WORD_LENGTH[word]!;
  if (at + length > end) return false;
  const start = WORD_START[word]!;
  for (let i = 2; i < length; i++) if (from[at + i] !== WORD_BYTES[start + i]) return false;
  return true;
}

/** Packs `from[0, length)` into `to` (as long as `from` at least); returns the packed length. */
export function packLine(from: Uint8Array, length: number, to: Uint8Array): number {
  let out = 0;
  let at = 0;
  while (at < length - 1) {
    let candidate = FIRST_BY_PAIR[(from[at]! << 8) | from[at + 1]!]!;
    while (candidate !== 0 && !matchesAt(from, at, length, candidate - 1))
      candidate = NEXT_WITH_PAIR[candidate - 1]!;
    if (candidate === 0) {
      to[out++] = from[at++]!;
    } else {
      to[out++] = MARK;
      to[out++] = candidate - 1;
      at += WORD_LENGTH[candidate - 1]!;
    }
  }
  if (at < length) to[out++] = from[at]!;
  return out;
}

/** Unpacks `from[start, end)` into `to`; returns the unpacked length. */
export function unpackLine(from: Uint8Array, start: number, end: number, to: Uint8Array): number {
  let out = 0;
  for (let at = start; at < end; at++) {
    const byte = from[at]!;
    if (byte !== MARK) {
      to[out++] = byte;
      continue;
    }
    const word = from[++at]!;
    const wordStart = WORD_START[word]!;
    const wordEnd = wordStart + WORD_LENGTH[word]!;
    for (let i = wordStart; i < wordEnd; i++) to[out++] = WORD_BYTES[i]!;
  }
  return out;
}
