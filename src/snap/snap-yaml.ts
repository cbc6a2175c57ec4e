/** meta/snap.yaml: the parts a launcher needs, checked key by key. Pure: text in, value out. */
import { createRequire } from 'node:module';
import { parseYamlSubset } from './yaml-subset.js';
import { chainProblem, commandProblem, layoutPathProblem, layoutSourceProblem } from './snap-paths.js';

export interface SnapApp {
  readonly name: string;
  readonly command: string;
  readonly commandChain: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  readonly plugs: readonly string[];
}

export interface SnapPlug {
  readonly name: string;
  /** The interface; a plug named after its interface has none written. */
  readonly interface: string;
}

export interface SnapLayout {
  readonly path: string;
  readonly kind: 'bind' | 'bind-file' | 'symlink' | 'type';
  readonly target: string;
}

export interface SnapMeta {
  readonly name: string;
  readonly version: string;
  readonly base?: string;
  readonly confinement: 'strict' | 'devmode' | 'classic';
  readonly apps: ReadonlyMap<string, SnapApp>;
  readonly hooks: ReadonlyMap<string, SnapApp>;
  readonly plugs: ReadonlyMap<string, SnapPlug>;
  readonly slots: readonly string[];
  readonly layout: readonly SnapLayout[];
  readonly environment: Readonly<Record<string, string>>;
}

const QUOTE_LIMIT = 200;

/** Keys and values from the file, shown on one short line: control characters escaped, cut at 200. */
function visible(text: string): string {
  // eslint-disable-next-line no-control-regex
  const escaped = text.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
  return escaped.length > QUOTE_LIMIT ? `${escaped.slice(0, QUOTE_LIMIT)}...` : escaped;
}

/** A snap.yaml that cannot be used; the message names the key: `snap.yaml: apps.foo.command: ...`. */
export class SnapYamlError extends Error {
  constructor(
    readonly key: string,
    detail: string,
  ) {
    super(`meta/snap.yaml: ${key ? `${visible(key)}: ` : ''}${visible(detail)}`);
    this.name = 'SnapYamlError';
  }
}

const SNAP_NAME = /^(?=.*[a-z])[a-z0-9](?:-?[a-z0-9])*$/;
const APP_NAME = /^[A-Za-z0-9](?:-?[A-Za-z0-9])*$/;
const HOOK_NAME = /^[a-z](?:-?[a-z0-9])*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Mapping = Record<string, unknown>;

function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mapping(value: unknown, key: string): Mapping {
  if (value === undefined || value === null) return {};
  if (!isMapping(value)) throw new SnapYamlError(key, 'must be a mapping');
  return value;
}

function text(value: unknown, key: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new SnapYamlError(key, 'must be a string');
}

function strings(value: unknown, key: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new SnapYamlError(key, 'must be a list');
  return value.map((item, i) => text(item, `${key}[${i}]`));
}

function environment(value: unknown, key: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, item] of Object.entries(mapping(value, key))) {
    if (!ENV_NAME.test(name)) throw new SnapYamlError(`${key}.${name}`, 'is not a valid variable name');
    env[name] = text(item, `${key}.${name}`);
  }
  return env;
}

function plugs(value: unknown): Map<string, SnapPlug> {
  const result = new Map<string, SnapPlug>();
  for (const [name, item] of Object.entries(mapping(value, 'plugs'))) {
    if (item === null || item === undefined) {
      result.set(name, { name, interface: name });
      continue;
    }
    if (typeof item === 'string') {
      result.set(name, { name, interface: item });
      continue;
    }
    const attrs = mapping(item, `plugs.${name}`);
    const iface = attrs.interface === undefined ? name : text(attrs.interface, `plugs.${name}.interface`);
    result.set(name, { name, interface: iface });
  }
  return result;
}

function runnable(value: unknown, key: string, name: string, isHook: boolean): SnapApp {
  const attrs = mapping(value, key);
  if (!(isHook ? HOOK_NAME : APP_NAME).test(name)) throw new SnapYamlError(key, 'is not a valid name');
  const command = attrs.command === undefined && isHook ? `meta/hooks/${name}` : attrs.command;
  if (command === undefined) throw new SnapYamlError(`${key}.command`, 'is missing');
  const commandText = text(command, `${key}.command`);
  const commandIssue = commandProblem(commandText);
  if (commandIssue !== undefined) throw new SnapYamlError(`${key}.command`, commandIssue);
  const chain = strings(attrs['command-chain'], `${key}.command-chain`);
  chain.forEach((entry, i) => {
    const issue = chainProblem(entry);
    if (issue !== undefined) throw new SnapYamlError(`${key}.command-chain[${i}]`, issue);
  });
  return {
    name,
    command: commandText,
    commandChain: chain,
    environment: environment(attrs.environment, `${key}.environment`),
    plugs: strings(attrs.plugs, `${key}.plugs`),
  };
}

function layouts(value: unknown, snapName: string): SnapLayout[] {
  return Object.entries(mapping(value, 'layout')).map(([path, item]) => {
    const attrs = mapping(item, `layout.${path}`);
    const kinds = (['bind', 'bind-file', 'symlink', 'type'] as const).filter((k) => attrs[k] !== undefined);
    const kind = kinds[0];
    if (kinds.length !== 1 || kind === undefined) {
      throw new SnapYamlError(`layout.${path}`, 'needs exactly one of bind, bind-file, symlink, type');
    }
    const pathIssue = layoutPathProblem(path, snapName);
    if (pathIssue !== undefined) throw new SnapYamlError(`layout.${path}`, pathIssue);
    const target = text(attrs[kind], `layout.${path}.${kind}`);
    const sourceIssue = kind === 'type' ? typeProblem(target) : layoutSourceProblem(target);
    if (sourceIssue !== undefined) throw new SnapYamlError(`layout.${path}.${kind}`, sourceIssue);
    return { path, kind, target };
  });
}

function typeProblem(type: string): string | undefined {
  return type === 'tmpfs' ? undefined : `"${type}" is not a filesystem layouts can use (only tmpfs)`;
}

type YamlParse = (source: string, options: { logLevel: 'error' }) => unknown;
const loadModule = createRequire(import.meta.url);

/** The document: by the small reader when it is plain enough, else by `yaml`, loaded only then. */
function parseDocument(source: string): unknown {
  const simple = parseYamlSubset(source);
  if (simple !== undefined) return simple.value;
  const { parse } = loadModule('yaml') as { parse: YamlParse };
  // Warnings (a mapping used as a key) would go to stderr; what matters is checked below.
  return parse(source, { logLevel: 'error' });
}

export function parseSnapYaml(source: string): SnapMeta {
  let doc: unknown;
  try {
    doc = parseDocument(source);
  } catch (error) {
    const first = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
    // The stack overflows at a depth that depends on the machine: say what it means instead.
    const detail = first.startsWith('Maximum call stack size exceeded') ? 'it is nested too deeply' : first;
    throw new SnapYamlError('', `is not valid YAML: ${detail}`);
  }
  if (!isMapping(doc)) throw new SnapYamlError('', 'must be a mapping');
  if (doc.name === undefined) throw new SnapYamlError('name', 'is missing');
  const name = text(doc.name, 'name');
  if (!SNAP_NAME.test(name) || name.length > 40)
    throw new SnapYamlError('name', `"${name}" is not a valid snap name`);
  const confinement = doc.confinement === undefined ? 'strict' : text(doc.confinement, 'confinement');
  if (confinement !== 'strict' && confinement !== 'devmode' && confinement !== 'classic') {
    throw new SnapYamlError('confinement', `must be strict, devmode or classic, not "${confinement}"`);
  }
  const apps = new Map(
    Object.entries(mapping(doc.apps, 'apps')).map(([app, value]) => [
      app,
      runnable(value, `apps.${app}`, app, false),
    ]),
  );
  const hooks = new Map(
    Object.entries(mapping(doc.hooks, 'hooks')).map(([hook, value]) => [
      hook,
      runnable(value, `hooks.${hook}`, hook, true),
    ]),
  );
  return {
    name,
    version: doc.version === undefined ? '' : text(doc.version, 'version'),
    ...(doc.base !== undefined ? { base: text(doc.base, 'base') } : {}),
    confinement,
    apps,
    hooks,
    plugs: plugs(doc.plugs),
    slots: Object.keys(mapping(doc.slots, 'slots')),
    layout: layouts(doc.layout, name),
    environment: environment(doc.environment, 'environment'),
  };
}

/** The interface behind each plug an app uses (app plugs may be implicit, declared only there). */
export function appInterfaces(meta: SnapMeta, app: SnapApp): Map<string, string> {
  const result = new Map<string, string>();
  for (const plug of app.plugs) result.set(plug, meta.plugs.get(plug)?.interface ?? plug);
  return result;
}
