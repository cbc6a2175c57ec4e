import type { OverlayCommand } from './overlay-reducer.js';
import type { RunCommand } from './run-reducer.js';

/** Everything a key can ask for. */
export type CommandId =
  | 'down'
  | 'up'
  | 'top'
  | 'bottom'
  | 'pageDown'
  | 'pageUp'
  | 'detail'
  | 'pane'
  | 'filter'
  | 'follow'
  | 'sort'
  | 'kindApparmor'
  | 'kindSeccomp'
  | 'kindCgroup'
  | 'reviewed'
  | 'hideReviewed'
  | 'export'
  | RunCommand
  | OverlayCommand
  | 'command'
  | 'help'
  | 'back'
  | 'quit';

export interface KeyBinding {
  readonly command: CommandId;
  /** Key names as keyName() spells them. */
  readonly keys: readonly string[];
  readonly description: string;
}

/** The one key table: the dispatcher reads it and the `?` overlay prints it. */
export const KEY_TABLE: readonly KeyBinding[] = [
  { command: 'down', keys: ['j', 'down'], description: 'next group (or scroll the detail)' },
  { command: 'up', keys: ['k', 'up'], description: 'previous group (or scroll the detail)' },
  { command: 'top', keys: ['g', 'home'], description: 'first group' },
  { command: 'bottom', keys: ['G', 'end'], description: 'last group' },
  { command: 'pageDown', keys: ['pagedown', 'ctrl+f'], description: 'page down' },
  { command: 'pageUp', keys: ['pageup', 'ctrl+b'], description: 'page up' },
  { command: 'detail', keys: ['enter'], description: 'open the detail of the group full screen' },
  { command: 'pane', keys: ['tab'], description: 'move focus between list and detail' },
  { command: 'filter', keys: ['/'], description: 'filter: text or regex over summary and fields' },
  { command: 'follow', keys: ['f'], description: 'follow the newest denial / pause' },
  { command: 'sort', keys: ['s'], description: 'sort by count, last seen, first seen' },
  { command: 'kindApparmor', keys: ['1'], description: 'show/hide AppArmor denials' },
  { command: 'kindSeccomp', keys: ['2'], description: 'show/hide seccomp denials' },
  { command: 'kindCgroup', keys: ['3'], description: 'show/hide device cgroup denials' },
  { command: 'reviewed', keys: ['x'], description: 'mark the group reviewed / not reviewed' },
  { command: 'hideReviewed', keys: ['h'], description: 'hide/show reviewed groups' },
  { command: 'export', keys: ['e'], description: 'export the view as a Markdown report' },
  { command: 'runStrict', keys: ['r'], description: 'run strict (asks APP ARGS)' },
  { command: 'runDevmode', keys: ['d'], description: 'run in devmode' },
  { command: 'runSwitch', keys: ['m'], description: 'switch mode and run again' },
  { command: 'runCompare', keys: ['c'], description: 'compare strict and devmode' },
  { command: 'runTarget', keys: ['R'], description: 'change the app and args' },
  { command: 'runPanel', keys: ['p'], description: 'show/hide the run panel' },
  { command: 'allow', keys: ['a'], description: "allow the group's denial (overlay)" },
  { command: 'overlayList', keys: ['o'], description: 'overlay entries (x removes)' },
  { command: 'unrestricted', keys: ['U'], description: 'seccomp @unrestricted on/off' },
  { command: 'overlayExport', keys: ['E'], description: 'export the overlay' },
  { command: 'command', keys: [':'], description: 'command: snap NAME, source NAME, export PATH, clear' },
  { command: 'help', keys: ['?'], description: 'this help' },
  { command: 'back', keys: ['escape'], description: 'back: close, unzoom, clear the filter' },
  { command: 'quit', keys: ['q', 'ctrl+c'], description: 'quit (back inside overlays)' },
];

const BY_KEY: ReadonlyMap<string, CommandId> = new Map(
  KEY_TABLE.flatMap((binding) => binding.keys.map((key) => [key, binding.command] as const)),
);

/** The parts of Ink's Key that name a key. */
export interface KeyFlags {
  readonly upArrow?: boolean;
  readonly downArrow?: boolean;
  readonly leftArrow?: boolean;
  readonly rightArrow?: boolean;
  readonly pageUp?: boolean;
  readonly pageDown?: boolean;
  readonly home?: boolean;
  readonly end?: boolean;
  readonly return?: boolean;
  readonly escape?: boolean;
  readonly tab?: boolean;
  readonly backspace?: boolean;
  readonly delete?: boolean;
  readonly ctrl?: boolean;
  readonly meta?: boolean;
}

const NAMED_FLAGS: readonly (readonly [keyof KeyFlags, string])[] = [
  ['upArrow', 'up'],
  ['downArrow', 'down'],
  ['leftArrow', 'left'],
  ['rightArrow', 'right'],
  ['pageUp', 'pageup'],
  ['pageDown', 'pagedown'],
  ['home', 'home'],
  ['end', 'end'],
  ['return', 'enter'],
  ['escape', 'escape'],
  ['tab', 'tab'],
  ['backspace', 'backspace'],
  ['delete', 'backspace'],
];

/** Names a key press the way KEY_TABLE does: "j", "G", "down", "enter", "ctrl+c". */
export function keyName(input: string, key: KeyFlags): string {
  for (const [flag, name] of NAMED_FLAGS) if (key[flag]) return name;
  if (key.ctrl && input.length === 1) return `ctrl+${input.toLowerCase()}`;
  return input;
}

const CONTROL_CHARACTERS: Readonly<Record<string, string>> = {
  '\r': 'enter',
  '\n': 'enter',
  '\t': 'tab',
  '\u001b': 'escape',
  '\u007f': 'backspace',
  '\b': 'backspace',
};

/**
 * Names every key in one read: terminals (and tmux send-keys) may deliver several keys at once,
 * e.g. "jj\r", which Ink hands over as one string.
 */
export function keyNames(input: string, key: KeyFlags): string[] {
  const single = keyName(input, key);
  if (single !== input || [...input].length <= 1) return [single];
  return [...input].map((character) => CONTROL_CHARACTERS[character] ?? character);
}

export function commandForKey(name: string): CommandId | undefined {
  return BY_KEY.get(name);
}

/** Keys of a command as the help shows them: "j, down". */
export function keysLabel(binding: KeyBinding): string {
  return binding.keys.join(', ');
}
