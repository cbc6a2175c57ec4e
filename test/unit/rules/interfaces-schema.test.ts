import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMap, isNode, isScalar, LineCounter, parse, parseDocument, type Document } from 'yaml';
import { parseLine } from '../../../src/parse/index.js';

interface AjvError {
  readonly instancePath: string;
  readonly message?: string;
  readonly params: Record<string, unknown>;
}
type Validate = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

const root = join(import.meta.dirname, '..', '..', '..');
const interfacesDir = join(root, 'rules', 'interfaces');
const schemaFile = join(root, 'rules', 'schema', 'interface.schema.json');
const indexFile = join(root, '..', 'shared', 'reference', 'snapd-interfaces.tsv');

/**
 * Interfaces the index marks as having a snippet but that get no file, and why (the extractor,
 * scripts/extract-snapd-rules/exclusions.mjs NO_FILE, skips the same ones).
 */
const EXCLUDED: Readonly<Record<string, string>> = {
  'audio-record': 'its AppArmor snippet is only a comment: the sound server checks the connection itself',
  'posix-mq': 'its policy is AppArmor mqueue rules built entirely from slot attributes; the schema has no mqueue class',
};

function compileSchema(): Validate {
  const require = createRequire(import.meta.url);
  const Ajv2020 = (require('ajv/dist/2020.js') as { default: new (o: object) => { compile(s: object): Validate } })
    .default;
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as object;
  return new Ajv2020({ allErrors: true, strict: true }).compile(schema);
}

/**
 * 1-based line of the node an ajv instancePath points at (the nearest existing ancestor), or of
 * the key `child` inside it (an unexpected property).
 */
function lineOf(doc: Document, counter: LineCounter, instancePath: string, child?: string): number {
  const keys = instancePath
    .split('/')
    .slice(1)
    .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((k) => (/^\d+$/.test(k) ? Number(k) : k));
  for (let n = keys.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(keys.slice(0, n), true);
    const key = child !== undefined && isMap(node) ? node.items.find((p) => isScalar(p.key) && p.key.value === child)?.key : undefined;
    const target = isNode(key) ? key : node;
    if (isNode(target) && target.range) return counter.linePos(target.range[0]).line;
  }
  return 1;
}

/** Every problem of one file, each as `rules/interfaces/NAME.yaml:LINE: message`. */
export function checkInterfaceFile(fileName: string, text: string, validate: Validate): string[] {
  const where = `rules/interfaces/${fileName}`;
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  if (doc.errors.length > 0) {
    return doc.errors.map((e) => `${where}:${counter.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`);
  }
  const data: unknown = doc.toJS();
  const problems: string[] = [];
  if (!validate(data)) {
    for (const error of validate.errors ?? []) {
      const unexpected = error.params.additionalProperty as string | undefined;
      const extra = unexpected === undefined ? '' : ` '${unexpected}'`;
      const line = lineOf(doc, counter, error.instancePath, unexpected);
      problems.push(`${where}:${line}: ${error.instancePath || '/'} ${error.message ?? 'is invalid'}${extra}`);
    }
  }
  const id = (data as { id?: unknown } | null)?.id;
  const expected = fileName.replace(/\.yaml$/, '');
  if (id !== expected) problems.push(`${where}:${lineOf(doc, counter, '/id')}: id '${String(id)}' does not match the file name`);
  return problems;
}

function indexedInterfaces(): { name: string; hasPolicy: boolean }[] {
  const [header, ...rows] = readFileSync(indexFile, 'utf8').trimEnd().split('\n');
  const columns = (header ?? '').split('\t');
  const col = (name: string) => columns.indexOf(name);
  return rows.map((row) => {
    const cells = row.split('\t');
    const yes = (name: string) => cells[col(name)] === 'yes';
    return { name: cells[0] ?? '', hasPolicy: yes('has_apparmor') || yes('has_seccomp') || yes('has_udev') };
  });
}

const validate = compileSchema();
const files = readdirSync(interfacesDir).filter((f) => f.endsWith('.yaml'));

describe('rules/interfaces', () => {
  it('every file parses, matches the schema and is named after its id', () => {
    const problems = files.flatMap((f) => checkInterfaceFile(f, readFileSync(join(interfacesDir, f), 'utf8'), validate));
    expect(problems).toEqual([]);
  });

  it('covers every interface of the index that has a snippet', () => {
    const present = new Set(files.map((f) => f.replace(/\.yaml$/, '')));
    const missing = indexedInterfaces()
      .filter((i) => i.hasPolicy && !present.has(i.name) && !(i.name in EXCLUDED))
      .map((i) => i.name);
    expect(missing).toEqual([]);
    expect(files.length).toBeGreaterThanOrEqual(200);
  });

  it('carries samples the log parser reads as denials', () => {
    const unreadable = files.flatMap((f) => {
      const doc = parse(readFileSync(join(interfacesDir, f), 'utf8')) as {
        samples: { match: string[]; no_match: string[] };
      };
      return [...doc.samples.match, ...doc.samples.no_match]
        .filter((line) => parseLine(line).kind !== 'denial')
        .map((line) => `${f}: ${line}`);
    });
    expect(unreadable).toEqual([]);
  });

  it('has no file for an interface the index does not know', () => {
    const known = new Set(indexedInterfaces().map((i) => i.name));
    expect(files.map((f) => f.replace(/\.yaml$/, '')).filter((n) => !known.has(n))).toEqual([]);
  });
});

describe('schema error reporting', () => {
  const good = readFileSync(join(interfacesDir, 'network-bind.yaml'), 'utf8');

  it('accepts a valid file', () => {
    expect(checkInterfaceFile('network-bind.yaml', good, validate)).toEqual([]);
  });

  it('names the file and the line of a wrong value', () => {
    const text = good.replace(/^auto_connect: true$/m, 'auto_connect: sometimes');
    const line = text.split('\n').findIndex((l) => l.startsWith('auto_connect:')) + 1;
    expect(checkInterfaceFile('network-bind.yaml', text, validate)).toEqual([
      `rules/interfaces/network-bind.yaml:${line}: /auto_connect must be boolean`,
    ]);
  });

  it('names the line of a bad rule inside a list', () => {
    const text = good.replace('perms: r,', 'perms: rq,');
    const line = text.split('\n').findIndex((l) => l.includes('perms: rq,')) + 1;
    const problems = checkInterfaceFile('network-bind.yaml', text, validate);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^rules/interfaces/network-bind\\.yaml:${line}: /apparmor/file/\\d+/perms must match pattern`));
  });

  it('reports an unknown field and a YAML syntax error with their lines', () => {
    const unknown = good.replace(/^attributes: \[\]$/m, 'attributes: []\nplugs: 3');
    const line = unknown.split('\n').indexOf('plugs: 3') + 1;
    expect(checkInterfaceFile('network-bind.yaml', unknown, validate)).toEqual([
      `rules/interfaces/network-bind.yaml:${line}: / must NOT have additional properties 'plugs'`,
    ]);
    const broken = good.replace(/^summary: .*$/m, 'summary: [unclosed');
    const brokenLine = broken.split('\n').findIndex((l) => l.startsWith('summary:')) + 1;
    const problems = checkInterfaceFile('network-bind.yaml', broken, validate);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatch(new RegExp(`^rules/interfaces/network-bind\\.yaml:(${brokenLine}|${brokenLine + 1}|\\d+): `));
  });

  it('flags an id that differs from the file name', () => {
    const text = good.replace(/^id: network-bind$/m, 'id: network-bound');
    expect(checkInterfaceFile('network-bind.yaml', text, validate)).toEqual([
      `rules/interfaces/network-bind.yaml:2: id 'network-bound' does not match the file name`,
    ]);
  });
});
