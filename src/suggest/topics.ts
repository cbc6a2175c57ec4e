import type { Denial } from '../model/denial.js';
import type { InterfaceRule } from './rules.js';
import { snapMemo } from './snap-memos.js';

/**
 * What each capability is for, as words an interface's name or summary would use. Many
 * interfaces carry net_admin or sys_admin as a side effect; the one whose purpose is the
 * capability's purpose (network-control for net_admin) is the one to suggest.
 */
const CAPABILITY_TOPICS: Readonly<Record<string, RegExp>> = {
  net_admin: /\bnetwork/,
  net_raw: /\bnetwork|\braw\b/,
  net_bind_service: /network service|\bbind/,
  sys_module: /\bmodule/,
  sys_time: /\btime|\bclock/,
  wake_alarm: /\balarm|\bwake/,
  sys_nice: /\bprocess|\bpriorit|\bschedul/,
  sys_resource: /\bprocess|\bresource/,
  kill: /\bprocess/,
  sys_ptrace: /\btrac|\bdebug/,
  perfmon: /\bperf|\btrac/,
  bpf: /\bbpf|\btrac/,
  sys_boot: /\bshutdown|\breboot|\bpower/,
  syslog: /\blog/,
  audit_write: /\baudit/,
  audit_control: /\baudit/,
  audit_read: /\baudit/,
  sys_rawio: /\braw|\bi\/o port|\bhardware/,
  sys_tty_config: /\btty|\bterminal|\bconsole/,
  ipc_lock: /\bmemory|\block/,
  block_suspend: /\bsuspend|\bpower/,
  sys_admin: /\bmount/,
  sys_chroot: /\bchroot|\bcontainer/,
  setuid: /\buser/,
  setgid: /\buser|\bgroup/,
};

/** Interface names' words too general to tie them to an object. */
const GENERIC_WORDS = new Set([
  'observe',
  'control',
  'support',
  'service',
  'access',
  'legacy',
  'files',
  'setup',
]);

/** What the denial names, lower-case: path, D-Bus names, syscall, device. */
export function accessedObject(d: Denial): string {
  return [d.path, d.dbus?.path, d.dbus?.interface, d.dbus?.name, d.syscall?.name, d.device?.name]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
}

/** A snap named after a service (docker, lxd, network-manager) is that service's own snap. */
export function isOwnServiceSnap(rule: InterfaceRule, denial: Denial): boolean {
  const idWords = specificWords(rule.id);
  if (idWords.length === 0) return false;
  const snapWords = wordsOfSnap(denial.snap ?? '');
  return idWords.every((w) => snapWords.has(w));
}

const specificWordsOf = new Map<string, readonly string[]>();
const snapWordsOf = snapMemo<string, ReadonlySet<string>>();

function specificWords(id: string): readonly string[] {
  let words = specificWordsOf.get(id);
  if (!words) {
    words = id.split('-').filter((w) => !GENERIC_WORDS.has(w));
    if (specificWordsOf.size >= 5_000) specificWordsOf.clear();
    specificWordsOf.set(id, words);
  }
  return words;
}

const topicWordsOf = new Map<string, readonly string[]>();

/** Words of an interface's name that can name an object: not generic, three letters or more. */
function topicWords(id: string): readonly string[] {
  let words = topicWordsOf.get(id);
  if (!words) {
    words = id.split('-').filter((w) => w.length >= 3 && !GENERIC_WORDS.has(w));
    if (topicWordsOf.size >= 5_000) topicWordsOf.clear();
    topicWordsOf.set(id, words);
  }
  return words;
}

function wordsOfSnap(snap: string): ReadonlySet<string> {
  let words = snapWordsOf.get(snap);
  if (!words) {
    words = new Set(snap.split('-'));
    if (snapWordsOf.size >= 5_000) snapWordsOf.clear();
    snapWordsOf.set(snap, words);
  }
  return words;
}

/**
 * How strongly an interface is *about* what was accessed: words of its name found in the
 * object (mount-observe for /proc/PID/mounts), the snap being named after it (docker and
 * docker-support), or, for a capability, its purpose found in the interface's name or summary.
 */
export function relevance(
  rule: InterfaceRule,
  denial: Denial,
  object: string,
  ownService = isOwnServiceSnap(rule, denial),
): number {
  let score = 0;
  if (object) for (const word of topicWords(rule.id)) if (object.includes(word)) score++;
  if (ownService) score += 1;
  const topic = denial.capname ? CAPABILITY_TOPICS[denial.capname] : undefined;
  if (topic && topic.test(`${rule.id} ${rule.summary}`.toLowerCase())) score += 1;
  return score;
}
