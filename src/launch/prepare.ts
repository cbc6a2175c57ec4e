/**
 * From a located snap to what the launcher needs: the policy (seccomp BPF, device allow list),
 * the environment and the spec file, written to a private directory under /run/snappy-debug.
 */
import { execFileSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';
import { securityTag } from '../model/label.js';
import { commandOutsideSnap } from '../snap/command-link.js';
import type { LocatedSnap } from '../snap/locate.js';
import { appArgv, snapDirectories, snapEnvironment } from '../snap/environment.js';
import { deviceAllowList, seccompSource, type DeviceNode, type DeviceRule } from '../snap/policy.js';
import type { InterfaceRule, RuleSet } from '../suggest/rules.js';
import {
  overlayApparmorRules,
  overlayDevices,
  overlayInterfaces,
  overlayNotes,
  overlaySeccomp,
} from '../overlay/apply.js';
import type { PolicyOverlay } from '../overlay/overlay.js';
import { apparmorProfile } from './apparmor-profile.js';
import { LayoutError, planLayouts } from './layouts.js';
import { formatSpec, type LayoutMount } from './spec.js';
import { cachedSeccomp } from './seccomp-cache.js';
import type { TargetUser } from './user.js';

export type Mode = 'strict' | 'devmode';

export interface PrepareOptions {
  readonly snap: LocatedSnap;
  readonly appName: string;
  /** NAME_KEY for a parallel install; default: the snap's name. */
  readonly instance?: string;
  /** Run this hook (snap.NAME.hook.HOOK) instead of the app. */
  readonly hookName?: string;
  readonly mode: Mode;
  readonly user: TargetUser;
  readonly args: readonly string[];
  readonly rules: RuleSet;
  /** Names of the connected plugs of the snap. */
  readonly connectedPlugs: readonly string[];
  readonly inventory: readonly DeviceNode[];
  /** The kernel has AppArmor: the profile is loaded and the launcher switches to it at exec. */
  readonly apparmor: boolean;
  /** Extra AppArmor rules for the profile (the policy overlay's), one whole rule each. */
  readonly apparmorRules?: readonly string[];
  /** The base snap's root (installed /snap/BASE/current or a directory), when there is one. */
  readonly baseRoot?: string;
  readonly runDir?: string;
  /** The snap's policy overlay: its interfaces connected, seccomp lines and devices added. */
  readonly overlay?: PolicyOverlay;
}

export interface PreparedRun {
  readonly tag: string;
  /** Layouts the launcher cannot make yet (symlink, type), as one-line notes. */
  readonly notes: readonly string[];
  readonly dir: string;
  readonly specPath: string;
  /** The generated AppArmor profile (written whether or not the kernel can load it). */
  readonly apparmorProfilePath: string;
  readonly interfaces: readonly string[];
  readonly devices: readonly DeviceRule[];
  readonly launcherArgs: readonly string[];
  cleanup(): void;
}

/** A plug, connected or not, names an interface with no policy in rules/. */
export class PolicyError extends Error {}

const DPKG_ARCH: Readonly<Record<string, string>> = {
  x64: 'amd64',
  arm64: 'arm64',
  ia32: 'i386',
  arm: 'armhf',
};

export function templatePath(): string {
  return join(packageRoot(), 'rules/seccomp/default.src');
}

/** The interfaces connected for one app: its own plugs and the snap-wide ones. */
export function appInterfaces(options: PrepareOptions): InterfaceRule[] {
  const { meta } = options.snap;
  const app =
    options.hookName !== undefined ? meta.hooks.get(options.hookName)! : meta.apps.get(options.appName)!;
  const plugs = new Set([...meta.plugs.keys(), ...app.plugs]);
  const result: InterfaceRule[] = [];
  for (const plug of [...plugs].sort()) {
    if (!options.connectedPlugs.includes(plug)) continue;
    const iface = meta.plugs.get(plug)?.interface ?? plug;
    const rule = options.rules.byId.get(iface);
    if (rule === undefined)
      throw new PolicyError(`cannot connect plug "${plug}": no policy for interface "${iface}"`);
    if (!result.includes(rule)) result.push(rule);
  }
  return result;
}

export { cachedSeccomp, compileSeccomp, SECCOMP_CACHE } from './seccomp-cache.js';

export function prepareRun(options: PrepareOptions): PreparedRun {
  const { snap, user, mode } = options;
  const hook = options.hookName;
  const app = hook !== undefined ? snap.meta.hooks.get(hook) : snap.meta.apps.get(options.appName);
  if (app === undefined) {
    const what = hook !== undefined ? `hook "${hook}"` : `app "${options.appName}"`;
    throw new PolicyError(`cannot find ${what} in snap "${snap.meta.name}"`);
  }
  const instance = options.instance ?? snap.meta.name;
  const tag = securityTag(instance, hook !== undefined ? { hook } : { app: app.name });
  const { interfaces, missing } = overlayInterfaces(appInterfaces(options), options.overlay, options.rules);
  if (missing[0] !== undefined)
    throw new PolicyError(`cannot apply the overlay: no policy for interface "${missing[0]}"`);
  const devices = overlayDevices(deviceAllowList(interfaces, options.inventory), options.overlay);
  const template = readFileSync(templatePath(), 'utf8');
  const source = overlaySeccomp(
    seccompSource(template, interfaces, { devmode: mode === 'devmode', apparmor: options.apparmor }),
    options.overlay,
  );
  const envInput = {
    meta: snap.meta,
    app,
    instance,
    revision: snap.revision,
    arch: DPKG_ARCH[process.arch] ?? process.arch,
    uid: user.uid,
    euid: user.uid,
    home: user.home,
    caller: process.env,
  };
  const env = snapEnvironment(envInput);
  const dirs = snapDirectories(envInput);
  const argv = appArgv(snap.snapDir, app, env, options.args);
  let layouts: LayoutMount[];
  try {
    layouts = planLayouts(snap.meta.layout, env);
  } catch (error) {
    if (error instanceof LayoutError)
      throw new PolicyError(`cannot run snap "${snap.meta.name}": ${error.message}`);
    throw error;
  }
  const notes: string[] = overlayNotes(options.overlay, options.apparmor, options.apparmor);
  if (argv[0] === undefined) throw new PolicyError(`cannot run app "${app.name}": its command is empty`);
  const outside = commandOutsideSnap(snap, argv.slice(0, app.commandChain.length + 1));
  if (outside !== undefined) throw new PolicyError(`cannot run app "${app.name}": ${outside}`);

  const runRoot = options.runDir ?? '/run/snappy-debug';
  mkdirSync(runRoot, { recursive: true, mode: 0o700 });
  const dir = mkdtempSync(join(runRoot, `${tag}.`));
  const cleanup = (): void => removeRunDir(dir);
  try {
    const seccompPath = join(dir, 'seccomp.bin2');
    writeFileSync(seccompPath, cachedSeccomp(source), { mode: 0o644 });
    writeFileSync(join(dir, 'seccomp.src'), source, { mode: 0o644 });
    ensureRuntimeDir(user);
    const apparmorProfilePath = join(dir, 'apparmor.profile');
    const profileText = apparmorProfile({
      snapName: snap.meta.name,
      instanceName: instance,
      revision: snap.revision,
      tag,
      commandName: hook ?? app.name,
      mode,
      interfaces,
      extraRules: [...(options.apparmorRules ?? []), ...overlayApparmorRules(options.overlay)],
    });
    writeFileSync(apparmorProfilePath, profileText, { mode: 0o644 });
    if (options.apparmor) loadAppArmorProfile(apparmorProfilePath);
    const specPath = join(dir, 'spec');
    const spec = formatSpec({
      tag,
      snapDir: snap.snapDir,
      source: snap.source,
      uid: user.uid,
      gid: user.gid,
      groups: user.groups,
      seccompPath,
      devices,
      rootDirs: dirs.root.map((dir) => hostPath(dir, snap.meta.name, instance)),
      remaps: instanceRemaps(snap, instance),
      userDirs: dirs.user,
      env,
      cwd: existsSync(user.home) ? user.home : '/',
      ...(options.baseRoot !== undefined ? { baseRoot: options.baseRoot } : {}),
      layouts,
      ...(options.apparmor ? { apparmorProfile: tag } : {}),
    });
    writeFileSync(specPath, spec, { mode: 0o600 });
    const launcherArgs = [
      ...(mode === 'devmode' ? ['--devmode'] : []),
      ...(snap.meta.base !== undefined ? ['--base', snap.meta.base] : []),
      '--spec',
      specPath,
      tag,
      ...argv,
    ];
    return {
      tag,
      notes,
      dir,
      specPath,
      apparmorProfilePath,
      interfaces: interfaces.map((i) => i.id),
      devices,
      launcherArgs,
      cleanup,
    };
  } catch (error) {
    cleanup();
    throw error;
  }
}

/**
 * Removes the run's directory: its few files one by one, then the directory (a recursive rmSync
 * costs several times as many system calls); anything else in it falls back to rmSync.
 */
export function removeRunDir(dir: string): void {
  try {
    for (const name of readdirSync(dir)) unlinkSync(join(dir, name));
    rmdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Loads (or replaces) the profile in the kernel. Untested here: this machine's kernel has no
 * AppArmor, so `run` never calls it; the same text is compiled with `apparmor_parser -QK` in
 * test/system/launcher-apparmor.test.ts.
 */
function loadAppArmorProfile(path: string): void {
  try {
    execFileSync('apparmor_parser', ['--replace', path], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim().split('\n').pop();
    throw new PolicyError(`cannot load AppArmor profile ${path}: ${stderr ?? String(error)}`);
  }
}

/** Inside the namespace an instance's /var/snap/NAME_KEY is seen as /var/snap/NAME. */
function hostPath(dir: string, name: string, instance: string): string {
  const inside = `/var/snap/${name}/`;
  return instance !== name && dir.startsWith(inside)
    ? `/var/snap/${instance}/${dir.slice(inside.length)}`
    : dir;
}

function instanceRemaps(snap: LocatedSnap, instance: string): { source: string; target: string }[] {
  const name = snap.meta.name;
  if (instance === name) return [];
  const remaps = [{ source: `/var/snap/${instance}`, target: `/var/snap/${name}` }];
  if (snap.source.kind === 'installed')
    remaps.unshift({ source: `/snap/${instance}`, target: `/snap/${name}` });
  return remaps;
}

/** /run/user/UID as logind makes it (0700, the user's), when no session manager did. */
function ensureRuntimeDir(user: TargetUser): void {
  const dir = `/run/user/${user.uid}`;
  if (existsSync(dir)) return;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chownSync(dir, user.uid, user.gid);
}
