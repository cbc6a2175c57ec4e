/** What a piece of text means; components ask for a role, never for a colour. */
export type ThemeRole =
  | 'normal'
  | 'title'
  | 'heading'
  | 'muted'
  | 'selected'
  | 'denied'
  | 'allowed'
  | 'audit'
  | 'apparmor'
  | 'seccomp'
  | 'cgroup'
  | 'error'
  | 'info'
  | 'key'
  | 'reviewed'
  | 'spark'
  | 'following'
  | 'paused'
  | 'command'
  | 'bar';

/** Props Ink's <Text> understands. */
export interface TextStyle {
  readonly color?: string;
  readonly bold?: boolean;
  readonly dimColor?: boolean;
  readonly inverse?: boolean;
  readonly underline?: boolean;
}

export type Theme = Readonly<Record<ThemeRole, TextStyle>>;

const COLOURS: Partial<Record<ThemeRole, string>> = {
  title: 'cyan',
  heading: 'cyan',
  denied: 'red',
  allowed: 'yellow',
  audit: 'blue',
  apparmor: 'magenta',
  seccomp: 'blue',
  cgroup: 'green',
  error: 'red',
  info: 'green',
  key: 'yellow',
  spark: 'cyan',
  following: 'green',
  paused: 'yellow',
  command: 'green',
};

const EMPHASIS: Partial<Record<ThemeRole, TextStyle>> = {
  title: { bold: true },
  heading: { bold: true },
  muted: { dimColor: true },
  selected: { inverse: true },
  denied: { bold: true },
  error: { bold: true },
  key: { bold: true },
  reviewed: { dimColor: true },
  following: { bold: true },
  paused: { bold: true, inverse: true },
  bar: { inverse: true },
};

const ROLES: readonly ThemeRole[] = [
  'normal',
  'title',
  'heading',
  'muted',
  'selected',
  'denied',
  'allowed',
  'audit',
  'apparmor',
  'seccomp',
  'cgroup',
  'error',
  'info',
  'key',
  'reviewed',
  'spark',
  'following',
  'paused',
  'command',
  'bar',
];

/** The styles for every role; without colour only bold, dim and inverse remain. */
export function makeTheme(colour: boolean): Theme {
  const entries = ROLES.map((role) => {
    const colourOf = colour ? COLOURS[role] : undefined;
    return [role, { ...EMPHASIS[role], ...(colourOf ? { color: colourOf } : {}) }] as const;
  });
  return Object.fromEntries(entries) as Theme;
}

/** NO_COLOR (https://no-color.org): any non-empty value turns colour off. */
export function colourWanted(env: NodeJS.ProcessEnv): boolean {
  return !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}
