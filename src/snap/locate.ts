/** Finding a snap: installed (/snap/NAME/current), a .snap file, or a directory (snapcraft's prime/). */
import { execFile } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, realpathSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseSnapYaml, type SnapMeta } from './snap-yaml.js';

const execFileAsync = promisify(execFile);

export type SnapSourceKind = 'installed' | 'squashfs' | 'dir';

export interface LocatedSnap {
  readonly meta: SnapMeta;
  readonly revision: string;
  readonly source: { readonly kind: SnapSourceKind; readonly path: string };
  /** Where the app sees it: /snap/NAME/REV. */
  readonly snapDir: string;
}

/** The snap cannot be found or read; the message is one line naming what is wrong. */
export class SnapNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapNotFoundError';
  }
}

/** Local installs and unpacked snaps get snapd's revision for side-loaded snaps. */
export const LOCAL_REVISION = 'x1';

/** Larger than any real snap.yaml by far; a bigger one is refused before it is parsed. */
export const SNAP_YAML_LIMIT = 4 << 20;
const SQUASHFS_MAGIC = 'hsqs';

function startsLikeSquashfs(file: string): boolean {
  const head = Buffer.alloc(4);
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    return readSync(fd, head, 0, 4, 0) === 4 && head.toString('latin1') === SQUASHFS_MAGIC;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

async function yamlFromSquashfs(file: string): Promise<string> {
  if (!startsLikeSquashfs(file)) {
    throw new SnapNotFoundError(`cannot use ${file}: it is neither a directory nor a squashfs .snap file`);
  }
  try {
    const { stdout } = await execFileAsync('unsquashfs', ['-cat', file, 'meta/snap.yaml'], {
      maxBuffer: SNAP_YAML_LIMIT,
    });
    return stdout;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
      throw new SnapNotFoundError(
        `cannot use ${file}: meta/snap.yaml is larger than ${SNAP_YAML_LIMIT >> 20} MiB`,
      );
    }
    const detail = (error as { stderr?: string }).stderr?.trim().split('\n')[0] || String(error);
    throw new SnapNotFoundError(`cannot read meta/snap.yaml from ${file}: ${detail}`);
  }
}

function yamlFromDir(dir: string): string {
  const path = join(dir, 'meta/snap.yaml');
  try {
    if (statSync(path).size > SNAP_YAML_LIMIT) {
      throw new SnapNotFoundError(`cannot use ${path}: it is larger than ${SNAP_YAML_LIMIT >> 20} MiB`);
    }
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof SnapNotFoundError) throw error;
    throw new SnapNotFoundError(
      `cannot read ${join(dir, 'meta/snap.yaml')}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
}

export async function locateSnap(name: string, snapPath?: string, instance = name): Promise<LocatedSnap> {
  let source: LocatedSnap['source'];
  let yaml: string;
  let revision = LOCAL_REVISION;
  if (snapPath === undefined) {
    const current = `/snap/${instance}/current`;
    let real: string;
    try {
      real = realpathSync(current);
    } catch {
      throw new SnapNotFoundError(
        `cannot find snap "${instance}": ${current} does not exist (use --snap PATH for a .snap file or a directory)`,
      );
    }
    revision = basename(real);
    source = { kind: 'installed', path: real };
    yaml = yamlFromDir(real);
  } else {
    const path = resolve(snapPath);
    let isDir: boolean;
    try {
      isDir = statSync(path).isDirectory();
    } catch (error) {
      throw new SnapNotFoundError(`cannot use --snap ${snapPath}: ${(error as NodeJS.ErrnoException).code}`);
    }
    source = { kind: isDir ? 'dir' : 'squashfs', path };
    yaml = isDir ? yamlFromDir(path) : await yamlFromSquashfs(path);
  }
  const meta = parseSnapYaml(yaml);
  if (meta.name !== name) {
    throw new SnapNotFoundError(`cannot run snap "${name}": ${source.path} holds snap "${meta.name}"`);
  }
  return { meta, revision, source, snapDir: `/snap/${name}/${revision}` };
}
