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
    if (typeof id !== 'string' || typeof micros !== 'string' || !/^\d+$/.test(micros)) return undefined;
    const value = BigInt(micros);
    const seconds = value / 1_000_000n;
    const millis = (value / 1000n) % 1000n;
    return `${seconds}.${millis.toString().padStart(3, '0')}:${id}`;
  }
  if (transport === 'kernel') {
    const message = entry['MESSAGE'];
    if (typeof message !== 'string') return undefined;
    const stamp = /^audit: type=\d+ audit\((\d+\.\d+:\d+)\)/.exec(message);
    return stamp?.[1];
  }
  return undefined;
}

/** Remembers the last `capacity` keys, forgetting the oldest first. */
export class RecentKeys {
  private readonly keys = new Set<string>();

  constructor(private readonly capacity: number) {}

  /** True when the key was already seen; otherwise remembers it. */
  seen(key: string): boolean {
    if (this.keys.has(key)) return true;
    this.keys.add(key);
    if (this.keys.size > this.capacity) {
      const oldest = this.keys.values().next();
      if (!oldest.done) this.keys.delete(oldest.value);
    }
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
