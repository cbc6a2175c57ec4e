/** The spec file snappy-debug-confine reads (native/launcher/README.md). Pure. */
import type { DeviceRule } from '../snap/policy.js';
import type { SnapSourceKind } from '../snap/locate.js';

export interface LaunchSpec {
  readonly tag: string;
  readonly snapDir: string;
  readonly source: { readonly kind: SnapSourceKind; readonly path: string };
  readonly uid: number;
  readonly gid: number;
  readonly groups: readonly number[];
  readonly seccompPath: string;
  readonly devices: readonly DeviceRule[];
  readonly rootDirs: readonly string[];
  readonly userDirs: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** The base snap's root directory to pivot into; without it the app sees the host's root. */
  readonly baseRoot?: string;
  /** Host directories bound where the app expects them (parallel instances: NAME_KEY → NAME). */
  readonly remaps?: readonly { readonly source: string; readonly target: string }[];
  /** The AppArmor profile (the security tag) loaded for this run; absent where the kernel has none. */
  readonly apparmorProfile?: string;
  /** Layouts in the order to apply, variables already expanded (src/launch/layouts.ts). */
  readonly layouts?: readonly LayoutMount[];
}

export interface LayoutMount {
  readonly kind: 'bind' | 'bind-file' | 'symlink' | 'tmpfs';
  /** bind: the directory or file; symlink: what the link points to; tmpfs: `tmpfs`. */
  readonly source: string;
  readonly target: string;
}

function checked(key: string, value: string): string {
  if (/[\n\0]/.test(value))
    throw new RangeError(`cannot write spec ${key}: the value holds a newline or NUL`);
  return value;
}

export function formatSpec(spec: LaunchSpec): string {
  const lines = [
    'snappy-debug-spec 1',
    `tag ${checked('tag', spec.tag)}`,
    `snap-dir ${checked('snap-dir', spec.snapDir)}`,
  ];
  if (spec.source.kind !== 'installed')
    lines.push(`snap-source ${spec.source.kind} ${checked('snap-source', spec.source.path)}`);
  lines.push(`uid ${spec.uid}`, `gid ${spec.gid}`, ...spec.groups.map((g) => `group ${g}`));
  lines.push(`seccomp ${checked('seccomp', spec.seccompPath)}`);
  for (const d of spec.devices) lines.push(`device ${d.type} ${d.major} ${d.minor}`);
  for (const dir of spec.rootDirs) lines.push(`root-dir 0755 ${checked('root-dir', dir)}`);
  for (const dir of spec.userDirs) {
    const mode = dir.startsWith('/run/user/') ? '0700' : '0755';
    lines.push(`user-dir ${mode} ${checked('user-dir', dir)}`);
  }
  for (const [name, value] of Object.entries(spec.env))
    lines.push(`env ${name}=${checked(`env ${name}`, value)}`);
  for (const r of spec.remaps ?? [])
    lines.push(`remap ${checked('remap', r.source)} ${checked('remap', r.target)}`);
  for (const l of spec.layouts ?? []) {
    if (/\s/.test(l.source) || /\s/.test(l.target)) {
      throw new RangeError(`cannot write spec layout ${l.target}: paths with spaces are not supported`);
    }
    lines.push(`layout ${l.kind} ${checked('layout', l.source)} ${checked('layout', l.target)}`);
  }
  if (spec.baseRoot !== undefined) lines.push(`base-root ${checked('base-root', spec.baseRoot)}`);
  if (spec.apparmorProfile !== undefined)
    lines.push(`apparmor-profile ${checked('apparmor-profile', spec.apparmorProfile)}`);
  lines.push(`cwd ${checked('cwd', spec.cwd)}`);
  return `${lines.join('\n')}\n`;
}
