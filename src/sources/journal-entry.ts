/**
 * Without auditd, journald receives each audit record twice: from the audit netlink
 * multicast group (_TRANSPORT=audit, MESSAGE "SECCOMP auid=...") and from the kernel log
 * (_TRANSPORT=kernel, MESSAGE "audit: type=1326 audit(S.MS:SERIAL): ..."). Both carry the
 * record's stamp; this key is equal for the two copies.
 */
export function auditRecordKey(entry: Readonly<Record<string, unknown>>): string | undefined {
  const transport = entry['_TRANSPORT'];
  if (transport === 'audit') {
    const id = entry['_AUDIT_ID'];
    const micros = entry['_SOURCE_REALTIME_TIMESTAMP'];
    if (typeof id !== 'string' || typeof micros !== 'string') return undefined;
    return auditKeyOf(id, micros);
  }
  if (transport === 'kernel') {
    const message = entry['MESSAGE'];
    if (typeof message !== 'string') return undefined;
    const stamp = /^audit: type=\d+ audit\((\d+\.\d+:\d+)\)/.exec(message);
    return stamp?.[1];
  }
  return undefined;
}

/** SECONDS.MILLIS:SERIAL from an audit-transport entry's _AUDIT_ID and _SOURCE_REALTIME_TIMESTAMP. */
function auditKeyOf(id: string, micros: string): string | undefined {
  if (!/^\d+$/.test(micros)) return undefined;
  const value = BigInt(micros);
  const seconds = value / 1_000_000n;
  const millis = (value / 1000n) % 1000n;
  return `${seconds}.${millis.toString().padStart(3, '0')}:${id}`;
}

/** Remembers the last `capacity` keys (at least one), forgetting the oldest first. */
export class RecentKeys {
  private readonly keys = new Set<string>();
  /** The remembered keys in the order they came, as a ring: `next` is the oldest once full. */
  private readonly order: (string | undefined)[];
  private next = 0;

  constructor(private readonly capacity: number) {
    this.order = new Array<string | undefined>(Math.max(1, capacity)).fill(undefined);
  }

  /** True when the key was already seen; otherwise remembers it. */
  seen(key: string): boolean {
    if (this.keys.has(key)) return true;
    this.keys.add(key);
    const oldest = this.order[this.next];
    if (oldest !== undefined) this.keys.delete(oldest);
    this.order[this.next] = key;
    this.next = (this.next + 1) % this.order.length;
    return false;
  }
}

/** Parses one `journalctl --output=json` line; undefined when it is not a JSON object. */
export function parseJournalEntry(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The fields the parser reads (src/parse/journal-json.ts) and the source's dedupe needs.
 * journalctl always adds __CURSOR, __REALTIME_TIMESTAMP, __MONOTONIC_TIMESTAMP and _BOOT_ID.
 */
export const JOURNAL_FIELDS: readonly string[] = [
  'MESSAGE',
  '_TRANSPORT',
  '_AUDIT_TYPE',
  '_AUDIT_ID',
  '_SOURCE_REALTIME_TIMESTAMP',
  '_PID',
  '_HOSTNAME',
  'SYSLOG_IDENTIFIER',
];

/** What the journald source needs from one entry: where it is, and which audit record it copies. */
export interface JournalLineFacts {
  readonly cursor?: string;
  readonly auditKey?: string;
  /** MESSAGE, only when it may be a loss notice (undefined for the usual entry). */
  readonly noticeText?: string;
}

/**
 * The facts of one `journalctl --output=json` line, mostly without JSON.parse. Exact for what
 * journalctl writes: field names are [A-Z0-9_] only, so `"NAME":"` can only be that key (inside
 * a string a quote is escaped; a string followed by ':' is a key), and a value read up to the
 * next quote is the decoded value when it holds no backslash (control characters are always
 * escaped). Any other case — a backslash in a value we need, a missing cursor, an array — and
 * any line that may hold a loss notice go through JSON.parse.
 */
export function journalLineFacts(line: string, mayHoldNotice: (text: string) => boolean): JournalLineFacts {
  const cursor = plainField(line, '"__CURSOR":"');
  if (cursor === undefined || mayHoldNotice(line)) return factsOfEntry(parseJournalEntry(line));
  const transport = plainField(line, '"_TRANSPORT":"');
  if (transport === 'kernel') {
    const at = line.indexOf('"MESSAGE":"');
    if (at < 0) return { cursor };
    KERNEL_STAMP.lastIndex = at + 11;
    const stamp = KERNEL_STAMP.exec(line);
    return stamp ? { cursor, auditKey: stamp[1] } : { cursor };
  }
  if (transport === 'audit') {
    const id = plainField(line, '"_AUDIT_ID":"');
    const micros = plainField(line, '"_SOURCE_REALTIME_TIMESTAMP":"');
    if (id === undefined || micros === undefined) return factsOfEntry(parseJournalEntry(line));
    const auditKey = auditKeyOf(id, micros);
    return auditKey === undefined ? { cursor } : { cursor, auditKey };
  }
  if (transport === undefined && line.includes('"_TRANSPORT":')) return factsOfEntry(parseJournalEntry(line));
  return { cursor };
}

const KERNEL_STAMP = /audit: type=\d+ audit\((\d+\.\d+:\d+)\)/y;

function factsOfEntry(entry: Readonly<Record<string, unknown>> | undefined): JournalLineFacts {
  if (!entry) return {};
  const cursor = entry['__CURSOR'];
  const message = entry['MESSAGE'];
  const auditKey = auditRecordKey(entry);
  return {
    ...(typeof cursor === 'string' ? { cursor } : {}),
    ...(auditKey !== undefined ? { auditKey } : {}),
    ...(typeof message === 'string' ? { noticeText: message } : {}),
  };
}

/** The string value after `keyQuote` when it holds no escape; undefined otherwise. */
function plainField(line: string, keyQuote: string): string | undefined {
  const at = line.indexOf(keyQuote);
  if (at < 0) return undefined;
  const start = at + keyQuote.length;
  const end = line.indexOf('"', start);
  if (end < 0) return undefined;
  const value = line.slice(start, end);
  return value.includes('\\') ? undefined : value;
}
