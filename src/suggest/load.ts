import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../paths.js';
import { compileGlob } from './glob.js';
import { RuleDataError, toAdviceRule, toInterfaceRule } from './normalise.js';
import type { AdviceRule, InterfaceRule, RuleSet } from './rules.js';

type Validator = ((data: unknown) => boolean) & {
  errors?: { instancePath: string; message?: string }[] | null;
};

const loaded = new Map<string, { readonly stamp: string; readonly rules: RuleSet }>();

export interface LoadOptions {
  /** Throw on any invalid file instead of leaving it out and listing it in `problems`. */
  readonly strict?: boolean;
  /**
   * Where the normalised rules are kept between runs (parsing 1 MB of YAML takes most of a
   * second; the cached JSON a few milliseconds). Default: $XDG_CACHE_HOME/snappy-debug, else
   * ~/.cache/snappy-debug, else the temp directory. false: no disk cache.
   */
  readonly cacheDir?: string | false;
}

/** Forgets the in-memory copies (tests use it to exercise the disk cache). */
export function forgetLoadedRules(): void {
  loaded.clear();
}

/**
 * Reads, validates and normalises every rules/interfaces/*.yaml and rules/advice/*.yaml once;
 * later calls return the same RuleSet until a file in the directory changes. A relative `dir`
 * is taken from the package root (where package.json is), so it works from any cwd.
 *
 * A file that breaks the schema is left out and named in `problems` (one bad file must not
 * silence every suggestion); problems confined to its `samples` do not exclude it, since the
 * engine never reads samples. `strict` turns every problem into an exception.
 */
export function loadRules(dir = 'rules', { strict = false, cacheDir }: LoadOptions = {}): RuleSet {
  const root = rootOf(dir);
  const { files, stamp } = sourcesOf(root);
  const cached = loaded.get(`${root}\0${strict}`);
  if (cached && cached.stamp === stamp) return cached.rules;
  const cacheFile = cacheFileFor(root, cacheDir);
  const fromDisk = cacheFile ? readCache(cacheFile, stamp) : undefined;
  if (fromDisk && !(strict && fromDisk.problems.length > 0)) {
    const rules = ruleSet(root, fromDisk.interfaces, fromDisk.advice, fromDisk.problems);
    loaded.set(`${root}\0${strict}`, { stamp, rules });
    return rules;
  }

  const problems: string[] = [];
  const interfaceSchema = validator(join(root, 'schema', 'interface.schema.json'));
  const adviceSchema = validator(join(root, 'schema', 'advice.schema.json'));
  const interfaces = readAll(root, files.interfaces, interfaceSchema, problems, toInterfaceRule);
  const advice = readAll(root, files.advice, adviceSchema, problems, toAdviceRule);
  if (problems.length > 0 && strict)
    throw new RuleDataError(`invalid rules in ${root}: ${problems.join('; ')}`);

  const rules = ruleSet(root, interfaces, sortAdvice(advice), problems);
  loaded.set(`${root}\0${strict}`, { stamp, rules });
  if (cacheFile) writeCache(cacheFile, { stamp, interfaces, advice: rules.advice, problems });
  return rules;
}

function rootOf(dir: string): string {
  return isAbsolute(dir) ? dir : resolve(packageRoot(), dir);
}

/** The rule files and the stamp (every file's mtime, and the normaliser's) a cache must match. */
function sourcesOf(root: string): { files: { interfaces: string[]; advice: string[] }; stamp: string } {
  const files = {
    interfaces: yamlFiles(join(root, 'interfaces')),
    advice: yamlFiles(join(root, 'advice')),
  };
  const stamp = [...files.interfaces, ...files.advice, ...fixedFiles(root)]
    .map((f) => `${f}:${statSync(f).mtimeMs}`)
    .join('|');
  return { files, stamp };
}

/** The schemas there are, and the normaliser. */
function fixedFiles(root: string): string[] {
  const schemas = ['interface', 'advice']
    .map((n) => join(root, 'schema', `${n}.schema.json`))
    .filter(existsSync);
  return [...schemas, ...NORMALISER];
}

/**
 * What one interface's line depends on: its own file (its mtime), which interface files there
 * are (a wanted one added or removed), the schemas and the normaliser. Other interfaces' files
 * do not matter: each file is read and checked on its own.
 */
interface LineGuard {
  readonly names: readonly string[];
  readonly fixed: string;
}

function lineGuard(root: string): LineGuard {
  return {
    names: yamlFiles(join(root, 'interfaces')),
    fixed: fixedFiles(root)
      .map((f) => `${f}:${statSync(f).mtimeMs}`)
      .join('|'),
  };
}

function interfaceId(file: string): string {
  return file.replace(/^.*\//, '').replace(/\.ya?ml$/, '');
}

/**
 * A RuleSet holding only the interfaces `ids` names (those rules/ has valid policy for) and no
 * advice: what a launch needs, without parsing all 200 interfaces. Read from a cache with one
 * interface per line beside loadRules' cache, only the wanted lines read, when the files they
 * come from are unchanged (LineGuard); else from loadRules, and the cache is written again.
 */
export function loadInterfaceRules(
  ids: Iterable<string>,
  dir = 'rules',
  { cacheDir }: Pick<LoadOptions, 'cacheDir'> = {},
): RuleSet {
  const root = rootOf(dir);
  const wanted = new Set(ids);
  const guard = lineGuard(root);
  const cacheFile = cacheFileFor(root, cacheDir);
  const lineFile = cacheFile?.replace(/\.json$/, '.lines');
  const fromLines = lineFile ? readLineCache(lineFile, guard, wanted) : undefined;
  if (fromLines) return ruleSet(root, fromLines, [], []);
  // Taken before the rules are read: a file changed meanwhile makes the next start look again.
  const mtimes = guard.names.map((f) => statSync(f).mtimeMs);
  const full = loadRules(dir, cacheDir === undefined ? {} : { cacheDir });
  if (lineFile) writeLineCache(lineFile, guard, mtimes, full.interfaces);
  return ruleSet(
    root,
    full.interfaces.filter((rule) => wanted.has(rule.id)),
    [],
    [],
  );
}

interface LineHeader {
  readonly version: number;
  readonly names: readonly string[];
  readonly mtimes: readonly number[];
  readonly fixed: string;
  readonly ids: readonly string[];
  readonly lengths: readonly number[];
}

/** The header still describes the files the wanted interfaces come from. */
function guardHolds(header: LineHeader, guard: LineGuard, wanted: ReadonlySet<string>): boolean {
  if (header.version !== CACHE_VERSION || header.fixed !== guard.fixed) return false;
  if (header.names.length !== guard.names.length || header.names.some((n, i) => n !== guard.names[i])) {
    return false;
  }
  return guard.names.every(
    (file, i) => !wanted.has(interfaceId(file)) || statSync(file).mtimeMs === header.mtimes[i],
  );
}

/**
 * Line 1: the LineHeader (the guard, `ids` and `lengths`); then one interface rule as JSON per line, in `ids`
 * order, `lengths` giving each line's bytes: the wanted lines are read at their offsets, the
 * rest of the file (about 500 KB) is never read.
 */
function readLineCache(
  file: string,
  guard: LineGuard,
  wanted: ReadonlySet<string>,
): InterfaceRule[] | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = fstatSync(fd).size;
    let head = Buffer.alloc(Math.min(size, 65536));
    let filled = readSync(fd, head, 0, head.length, 0);
    while (head.indexOf(0x0a) === -1 && filled < size) {
      const bigger = Buffer.alloc(Math.min(size, head.length * 2));
      head.copy(bigger, 0, 0, filled);
      head = bigger;
      filled += readSync(fd, head, filled, head.length - filled, filled);
    }
    const headerEnd = head.indexOf(0x0a);
    if (headerEnd === -1) return undefined;
    const header = JSON.parse(head.toString('utf8', 0, headerEnd)) as LineHeader;
    if (!guardHolds(header, guard, wanted)) return undefined;
    if (!Array.isArray(header.lengths) || header.lengths.length !== header.ids.length) return undefined;
    const total = header.lengths.reduce((sum, length) => sum + length + 1, headerEnd + 1);
    if (total !== size) return undefined;
    const rules: InterfaceRule[] = [];
    let offset = headerEnd + 1;
    header.ids.forEach((id, i) => {
      const length = header.lengths[i]!;
      if (wanted.has(id)) {
        const line = Buffer.alloc(length);
        if (readSync(fd, line, 0, length, offset) !== length) throw new Error('short read');
        rules.push(JSON.parse(line.toString('utf8')) as InterfaceRule);
      }
      offset += length + 1;
    });
    return rules;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function writeLineCache(
  file: string,
  guard: LineGuard,
  mtimes: readonly number[],
  interfaces: readonly InterfaceRule[],
): void {
  const lines = interfaces.map((rule) => JSON.stringify(rule));
  const header: LineHeader = {
    version: CACHE_VERSION,
    ...guard,
    mtimes,
    ids: interfaces.map((rule) => rule.id),
    lengths: lines.map((line) => Buffer.byteLength(line)),
  };
  const temp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
    writeFileSync(temp, `${[JSON.stringify(header), ...lines].join('\n')}\n`, { mode: 0o600 });
    renameSync(temp, file);
  } catch {
    try {
      rmSync(temp, { force: true });
    } catch {
      // not even allowed to look there
    }
  }
}

function ruleSet(
  root: string,
  interfaces: readonly InterfaceRule[],
  advice: readonly AdviceRule[],
  problems: readonly string[],
): RuleSet {
  const byId = new Map<string, InterfaceRule>();
  for (const rule of interfaces) byId.set(rule.id, rule);
  return { interfaces, advice, byId, dir: root, problems };
}

interface CacheContent {
  readonly version: number;
  readonly stamp: string;
  readonly interfaces: readonly InterfaceRule[];
  readonly advice: readonly AdviceRule[];
  readonly problems: readonly string[];
}

/** The code that shapes cached rules: a newer build invalidates the cache by its mtime. */
const NORMALISER = ['normalise.js', 'normalise.ts']
  .map((name) => fileURLToPath(new URL(`./${name}`, import.meta.url)))
  .filter(existsSync);

/** Bumped whenever the normalised shape changes, so an old cache is never trusted. */
const CACHE_VERSION = 2;

function cacheFileFor(root: string, cacheDir: string | false | undefined): string | undefined {
  if (cacheDir === false) return undefined;
  const dir =
    cacheDir ??
    (process.env.XDG_CACHE_HOME
      ? join(process.env.XDG_CACHE_HOME, 'snappy-debug')
      : homedir()
        ? join(homedir(), '.cache', 'snappy-debug')
        : join(tmpdir(), 'snappy-debug'));
  return join(dir, `rules-${directoryId(root)}.json`);
}

/** FNV-1a of the rules directory's path (only names the file: node:crypto costs a start ~10 ms). */
function directoryId(root: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < root.length; i++) hash = Math.imul(hash ^ root.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

/** The cache is an optimisation: anything unreadable or stale is ignored, never fatal. */
function readCache(file: string, stamp: string): CacheContent | undefined {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as CacheContent;
    return data.version === CACHE_VERSION && data.stamp === stamp ? data : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(file: string, content: Omit<CacheContent, 'version'>): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
    writeFileSync(temp, JSON.stringify({ version: CACHE_VERSION, ...content }), { mode: 0o600 });
    renameSync(temp, file);
  } catch {
    // A read-only home or full disk only costs the next start its speed; leave nothing half-written.
    try {
      rmSync(temp, { force: true });
    } catch {
      // not even allowed to look there
    }
  }
}

function readAll<T extends InterfaceRule | AdviceRule>(
  root: string,
  files: readonly string[],
  validate: Validator | undefined,
  problems: string[],
  convert: (data: unknown, origin: string) => T,
): T[] {
  const out: T[] = [];
  for (const file of files) {
    const origin = file.slice(root.length + 1);
    let data: unknown;
    try {
      data = parseYaml(readFileSync(file, 'utf8'));
    } catch (err) {
      problems.push(`${origin}: cannot parse YAML: ${(err as Error).message.split('\n')[0]}`);
      continue;
    }
    if (validate && !validate(data)) {
      const first = validate.errors?.[0];
      problems.push(
        `${origin}: ${first?.instancePath || '/'} ${first?.message ?? 'does not match the schema'}`,
      );
      continue;
    }
    try {
      const rule = convert(data, origin);
      const expectedId = origin.replace(/^.*\//, '').replace(/\.ya?ml$/, '');
      const badGlob = firstBadGlob(rule);
      if (rule.id !== expectedId) problems.push(`${origin}: id "${rule.id}" differs from the file name`);
      else if (badGlob) problems.push(`${origin}: ${badGlob}`);
      else out.push(rule);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  return out;
}

/** Every glob a rule carries, compiled once now so a malformed one cannot fail suggest() later. */
function firstBadGlob(rule: InterfaceRule | AdviceRule): string | undefined {
  const globs =
    'when' in rule
      ? [
          ...(rule.when.path ?? []),
          ...(rule.when.notPath ?? []),
          ...(rule.when.peer ?? []),
          ...(rule.when.dbusInterface ?? []),
        ]
      : [
          ...rule.file.map((g) => g.path),
          ...rule.dbus.flatMap((g) => [g.path, g.interface, g.member, g.name, g.peerName, g.peerLabel]),
          ...rule.unix.flatMap((g) => [g.addr, g.peerAddr]),
          ...rule.signal.map((g) => g.peer),
          ...rule.ptrace.map((g) => g.peer),
          ...rule.mount.flatMap((g) => [g.mountpoint, g.source]),
        ];
  for (const glob of globs) {
    if (glob === undefined) continue;
    try {
      compileGlob(glob);
    } catch (err) {
      return (err as Error).message;
    }
  }
  return undefined;
}

function sortAdvice(advice: AdviceRule[]): AdviceRule[] {
  return advice.sort((a, b) => b.priority - a.priority || a.id.localeCompare(b.id));
}

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  // join(dir, name) for a name read from the directory (no slash, never . or ..), without
  // normalising the same directory once per file: a suggestion process checks every file's
  // mtime as it starts.
  const prefix = join(dir, sep);
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => prefix + name);
}

const require = createRequire(import.meta.url);

// The YAML parser (like ajv) is loaded only when the cache is stale: a start from the cache
// must not pay for compiling it.
function parseYaml(text: string): unknown {
  return (require('yaml') as typeof import('yaml')).parse(text);
}

/**
 * Schema validation uses ajv when it is installed (it is a development dependency); without it
 * the normaliser still rejects malformed entries, it just says less about why.
 */
function validator(schemaFile: string): Validator | undefined {
  if (!existsSync(schemaFile)) return undefined;
  let Ajv2020: new (options: object) => { compile(schema: object): Validator };
  try {
    const mod = require('ajv/dist/2020.js') as { default: typeof Ajv2020 };
    Ajv2020 = mod.default;
  } catch {
    return undefined;
  }
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as object;
  return new Ajv2020({ allErrors: true, strict: false }).compile(schema);
}
