/** Which sandbox layer refused (or would have refused) the access. */
export type DenialKind = 'apparmor' | 'seccomp' | 'cgroup';

/** Where a line came from. */
export type SourceName = 'journald' | 'syslog' | 'kmsg' | 'audit' | 'stdin' | 'file' | 'launcher';

/** What the layer decided: DENIED (enforced), ALLOWED (complain/devmode: would have been denied), AUDIT. */
export type Decision = 'DENIED' | 'ALLOWED' | 'AUDIT';

export interface DbusFields {
  readonly bus?: string;
  readonly path?: string;
  readonly interface?: string;
  readonly member?: string;
  readonly name?: string;
  readonly mask?: string;
}

export interface SyscallFields {
  /** The number as logged (x32 bit and MIPS offsets included). */
  readonly number: number;
  /** Resolved name; absent when the resolver does not know the number (never guessed). */
  readonly name?: string;
  /** The record's arch= value, lower-case hex without 0x (c000003e). */
  readonly auditArch: string;
  /** libseccomp name of the table the number was resolved on (x86_64, x86, x32, arm, ...); set by enrichment. */
  readonly arch?: string;
  readonly compat?: number;
}

export interface DeviceFields {
  /** 'c' or 'b'. */
  readonly type: 'c' | 'b';
  readonly major: number;
  readonly minor: number;
  /** Path under /dev when known. */
  readonly name?: string;
  /** r, w, m or a combination. */
  readonly access: string;
}

/** A security label split into its parts: snap.NAME[_KEY].APP or snap.NAME[_KEY].hook.HOOK. */
export interface SnapLabel {
  /** Instance name (NAME or NAME_KEY). */
  readonly instance: string;
  readonly snap: string;
  readonly instanceKey?: string;
  readonly app?: string;
  readonly hook?: string;
}

/**
 * One denial record as parsed from a log line, before enrichment. Field names mirror the
 * kernel's keys; everything absent from the line is undefined.
 */
export interface Denial {
  readonly kind: DenialKind;
  /** Timestamp from the line's prefix or audit(...) stamp, ISO 8601 when the year is known. */
  readonly time?: string;
  /** The stamp as the log printed it when no year is known (`Mar 13 15:17:16`), shown as is. */
  readonly timeText?: string;
  /** audit(SECONDS.MILLIS:SERIAL) when present. */
  readonly auditStamp?: { readonly seconds: number; readonly millis: number; readonly serial: number };
  readonly source?: SourceName;
  /** The record without its syslog/journal prefix: the text snappy-debug prints after `Log:`. */
  readonly log: string;
  /** The whole line as received. */
  readonly raw: string;
  readonly auditType?: number | string;
  readonly decision?: Decision;
  readonly label?: string;
  readonly snap?: string;
  readonly instance?: string;
  readonly app?: string;
  readonly hook?: string;
  readonly operation?: string;
  readonly class?: string;
  readonly info?: string;
  readonly error?: number;
  readonly path?: string;
  readonly target?: string;
  readonly requestedMask?: string;
  readonly deniedMask?: string;
  readonly fsuid?: number;
  readonly ouid?: number;
  readonly capability?: number;
  readonly capname?: string;
  readonly family?: string;
  readonly sockType?: string;
  readonly protocol?: number;
  readonly signal?: string;
  readonly peer?: string;
  readonly peerLabel?: string;
  readonly peerPid?: number;
  readonly namespace?: string;
  readonly fstype?: string;
  readonly srcname?: string;
  readonly flags?: string;
  readonly addr?: string;
  readonly peerAddr?: string;
  readonly dbus?: DbusFields;
  readonly syscall?: SyscallFields;
  readonly device?: DeviceFields;
  /** seccomp action decoded from code= (kill_process, kill_thread, trap, errno, trace, log, allow, user_notif). */
  readonly action?: string;
  /** errno value for action errno (code & 0xffff). */
  readonly actionData?: number;
  readonly code?: string;
  readonly sig?: number;
  readonly pid?: number;
  readonly comm?: string;
  readonly exe?: string;
  readonly uid?: number;
  readonly auid?: number;
  readonly ses?: number;
  readonly ip?: string;
  /**
   * Every key=value of the record as logged, hex values decoded (for USER_AVC, the fields of the
   * nested msg='...'), including those without a field of their own (laddr, parent, gid, ...).
   */
  readonly fields?: Readonly<Record<string, string>>;
  /** How many times the line stood for (rsyslog "message repeated N times"). */
  readonly repeat?: number;
  readonly suggestions?: readonly Suggestion[];
}

/** One way out of a denial: an interface to plug, or a change to the program or the snap. */
export interface Suggestion {
  readonly kind: 'interface' | 'advice' | 'none';
  /** Interface name when kind is 'interface'; advice rule id otherwise. */
  readonly id: string;
  /** The sentence shown after `* ` in text output. */
  readonly text: string;
  /** Why it matched: the rule and the field it matched. */
  readonly reason?: string;
  readonly autoConnect?: boolean;
  readonly needsReview?: boolean;
  /** `snap connect SNAP:PLUG` */
  readonly command?: string;
  /** snapcraft.yaml `plugs:` line. */
  readonly plugsLine?: string;
  /**
   * snapcraft.yaml `slots:` line, when the snap should provide the interface itself (a Wayland
   * compositor, an MPRIS player) rather than plug it; such a suggestion has no plugsLine or
   * command and must not be listed among plugs.
   */
  readonly slotsLine?: string;
  readonly rank?: number;
}
