/**
 * The in-memory form of rules/interfaces/*.yaml and rules/advice/*.yaml, normalised so the
 * matcher never has to care whether a field was a string or a list, or absent.
 */

export interface FileGrant {
  readonly path: string;
  /** Normalised permission letters (exec modes such as ix/Px reduced to x). */
  readonly perms: string;
  readonly owner: boolean;
  /** Set on template rules that apply only to paths the plug lists under this attribute (personal-files `read`). */
  readonly attribute?: string;
}

export interface NetworkGrant {
  /** Absent or `*`: any family. */
  readonly family?: string;
  readonly type?: string;
}

export interface DbusGrant {
  readonly bus?: string;
  readonly path?: string;
  readonly interface?: string;
  readonly member?: string;
  readonly name?: string;
  /** Well-known name of the peer (destination or sender). */
  readonly peerName?: string;
  readonly peerLabel?: string;
  readonly access: readonly string[];
  /** Template rule: applies to what the plug names under this attribute (dbus `name`). */
  readonly attribute?: string;
}

export interface PeerGrant {
  readonly access: readonly string[];
  readonly signal: readonly string[];
  readonly peer?: string;
}

export interface UnixGrant {
  readonly type?: string;
  readonly addr?: string;
  readonly peerAddr?: string;
  readonly access: readonly string[];
}

export interface MountGrant {
  /** mount, remount, umount or pivot_root. */
  readonly operation: string;
  readonly fstype: readonly string[];
  readonly mountpoint?: string;
  readonly source?: string;
}

export interface SeccompGrant {
  /** The line as written in the snippet, e.g. `socket AF_NETLINK - NETLINK_ROUTE`. */
  readonly line: string;
  readonly syscall: string;
  /** Argument tokens after the name (`-` = any). */
  readonly args: readonly string[];
}

export interface DeviceGrant {
  readonly kernel?: string;
  readonly subsystem?: string;
}

/**
 * Who provides the slot on a classic distro: snapd itself, a gadget snap or hotplugged device,
 * another app snap, or nobody (Ubuntu Core only).
 */
export type SlotProvider = 'system' | 'gadget' | 'app' | 'core';

export interface InterfaceRule {
  readonly id: string;
  readonly summary: string;
  readonly autoConnect: boolean;
  readonly needsReview: boolean;
  readonly implicitSlot: SlotProvider;
  /** Plug attributes the interface needs before it grants anything (personal-files: read, write). */
  readonly attributes: readonly string[];
  readonly file: readonly FileGrant[];
  readonly capability: readonly string[];
  readonly network: readonly NetworkGrant[];
  readonly dbus: readonly DbusGrant[];
  readonly signal: readonly PeerGrant[];
  readonly ptrace: readonly PeerGrant[];
  readonly unix: readonly UnixGrant[];
  readonly mount: readonly MountGrant[];
  readonly userns: boolean;
  readonly seccomp: readonly SeccompGrant[];
  readonly devices: readonly DeviceGrant[];
  /**
   * What a snap gets for providing the slot itself (slot_apparmor: a compositor's socket lock,
   * a media player's MPRIS name); absent where no app snap may hold the slot.
   */
  readonly providerRule?: InterfaceRule;
  /** How much the interface grants in total: the least-privilege measure used for ranking. */
  readonly grantCount: number;
  /** Where the rule was read from (relative to the rules directory). */
  readonly origin: string;
}

/** Conditions of an advice rule; every present condition must hold (lists mean "any of"). */
export interface AdviceCondition {
  readonly kind?: readonly string[];
  readonly class?: readonly string[];
  readonly operation?: readonly string[];
  /** AppArmor globs over the denial's path (name=). */
  readonly path?: readonly string[];
  /** Globs the path must not match. */
  readonly notPath?: readonly string[];
  /** Permission letters: at least one must be in the denied mask. */
  readonly mask?: string;
  /** Permission letters: the denied mask must use only these. */
  readonly maskOnly?: string;
  readonly syscall?: readonly string[];
  readonly capability?: readonly string[];
  readonly family?: readonly string[];
  readonly sockType?: readonly string[];
  /** Globs over the peer label (signal, ptrace, unix). */
  readonly peer?: readonly string[];
  /** Globs over the D-Bus interface. */
  readonly dbusInterface?: readonly string[];
  /** true: the denial's profile is a snap's (snap.NAME.*); false: it is not. */
  readonly snapLabel?: boolean;
  /** true: the peer label belongs to the same snap instance. */
  readonly samePeerSnap?: boolean;
  /** true: only when no interface allows the access. */
  readonly noInterface?: boolean;
  /** true: only when no interface named after the snap itself allows the access. */
  readonly noOwnInterface?: boolean;
  /** true: the file is owned by the accessing user (fsuid == ouid). */
  readonly owner?: boolean;
}

export interface AdviceRule {
  readonly id: string;
  readonly summary: string;
  readonly text: string;
  readonly when: AdviceCondition;
  /** Positive: shown before interfaces; negative: after. */
  readonly priority: number;
  /** When it applies, interface suggestions are dropped (they would be wrong or harmful). */
  readonly exclusive: boolean;
  readonly origin: string;
}

export interface RuleSet {
  readonly interfaces: readonly InterfaceRule[];
  readonly advice: readonly AdviceRule[];
  readonly byId: ReadonlyMap<string, InterfaceRule>;
  readonly dir: string;
  /** Files left out (or, for sample-only problems, kept) and why: `FILE: PATH message`. */
  readonly problems: readonly string[];
}
