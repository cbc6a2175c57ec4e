/** The environment snapd gives a strict or devmode app (facts: snapd-confinement.md §2). Pure. */
import type { SnapApp, SnapMeta } from './snap-yaml.js';

export interface EnvironmentInput {
  readonly meta: SnapMeta;
  readonly app: SnapApp;
  /** Instance name: NAME or NAME_KEY. */
  readonly instance: string;
  readonly revision: string;
  /** dpkg architecture, e.g. amd64. */
  readonly arch: string;
  readonly uid: number;
  readonly euid: number;
  /** The invoking user's real home directory. */
  readonly home: string;
  /** Variables copied from the caller when set (SNAP_REEXEC). */
  readonly caller?: Readonly<Record<string, string | undefined>>;
}

export const SNAP_PATH =
  '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/games:/usr/local/games';
export const SNAP_LIBRARY_PATH = '/var/lib/snapd/lib/gl:/var/lib/snapd/lib/gl32';

/** $VAR and ${VAR} from the variables set so far; unknown ones become empty, as in snap-exec. */
export function expandVariables(value: string, env: Readonly<Record<string, string>>): string {
  return value.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_, braced, bare) => {
    const name = (braced ?? bare) as string;
    return env[name] ?? '';
  });
}

/** The writable directories of a run, with the owner snapd gives them. */
export function snapDirectories(input: EnvironmentInput): {
  readonly root: readonly string[];
  readonly user: readonly string[];
} {
  const env = snapEnvironment(input);
  return {
    root: [env.SNAP_DATA!, env.SNAP_COMMON!],
    user: [env.SNAP_USER_DATA!, env.SNAP_USER_COMMON!, env.XDG_RUNTIME_DIR!],
  };
}

export function snapEnvironment(input: EnvironmentInput): Record<string, string> {
  const { meta, app, instance, revision } = input;
  const key = instance.includes('_') ? instance.slice(instance.indexOf('_') + 1) : '';
  const userData = `${input.home}/snap/${instance}/${revision}`;
  const env: Record<string, string> = {
    SNAP: `/snap/${meta.name}/${revision}`,
    SNAP_ARCH: input.arch,
    SNAP_COMMON: `/var/snap/${meta.name}/common`,
    SNAP_DATA: `/var/snap/${meta.name}/${revision}`,
    SNAP_INSTANCE_NAME: instance,
    SNAP_INSTANCE_KEY: key,
    SNAP_LIBRARY_PATH: SNAP_LIBRARY_PATH,
    SNAP_NAME: meta.name,
    SNAP_REVISION: revision,
    SNAP_VERSION: meta.version,
    SNAP_USER_COMMON: `${input.home}/snap/${instance}/common`,
    SNAP_USER_DATA: userData,
    SNAP_REAL_HOME: input.home,
    SNAP_UID: String(input.uid),
    SNAP_EUID: String(input.euid),
    HOME: userData,
    XDG_RUNTIME_DIR: `/run/user/${input.euid}/snap.${instance}`,
    PATH: SNAP_PATH,
    SHELL: '/bin/bash',
    TMPDIR: '/tmp',
    TEMPDIR: '/tmp',
  };
  const reexec = input.caller?.SNAP_REEXEC;
  if (reexec !== undefined) env.SNAP_REEXEC = reexec;
  // snap-exec applies the snap's, then the app's environment last, expanding as it goes.
  for (const source of [meta.environment, app.environment]) {
    for (const [name, value] of Object.entries(source)) env[name] = expandVariables(value, env);
  }
  return env;
}

/** argv of the app: command-chain entries, then the command (split on spaces), then the user's args. */
export function appArgv(
  snapDir: string,
  app: SnapApp,
  env: Readonly<Record<string, string>>,
  args: readonly string[],
): string[] {
  const words = expandVariables(app.command, env).split(/\s+/).filter(Boolean);
  const [program, ...rest] = words;
  if (program === undefined) return [];
  const inSnap = (path: string): string => (path.startsWith('/') ? path : `${snapDir}/${path}`);
  return [...app.commandChain.map(inSnap), inSnap(program), ...rest, ...args];
}
