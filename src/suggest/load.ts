import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { packageRoot } from '../paths.js';
import { RuleDataError, toAdviceRule, toInterfaceRule } from './normalise.js';
import type { AdviceRule, InterfaceRule, RuleSet } from './rules.js';

type Validator = ((data: unknown) => boolean) & {
  errors?: { instancePath: string; message?: string }[] | null;
};

const loaded = new Map<string, { readonly stamp: string; readonly rules: RuleSet }>();

export interface LoadOptions {
  /** Throw on any invalid file instead of leaving it out and listing it in `problems`. */
  readonly strict?: boolean;
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
export function loadRules(dir = 'rules', { strict = false }: LoadOptions = {}): RuleSet {
  const root = isAbsolute(dir) ? dir : resolve(packageRoot(), dir);
  const files = {
    interfaces: yamlFiles(join(root, 'interfaces')),
    advice: yamlFiles(join(root, 'advice')),
  };
  const stamp = [...files.interfaces, ...files.advice].map((f) => `${f}:${statSync(f).mtimeMs}`).join('|');
  const cached = loaded.get(`${root}\0${strict}`);
  if (cached && cached.stamp === stamp) return cached.rules;

  const problems: string[] = [];
  const interfaceSchema = validator(join(root, 'schema', 'interface.schema.json'));
  const adviceSchema = validator(join(root, 'schema', 'advice.schema.json'));
  const interfaces = readAll(root, files.interfaces, interfaceSchema, problems, toInterfaceRule);
  const advice = readAll(root, files.advice, adviceSchema, problems, toAdviceRule);
  if (problems.length > 0 && strict)
    throw new RuleDataError(`invalid rules in ${root}: ${problems.join('; ')}`);

  const byId = new Map<string, InterfaceRule>();
  for (const rule of interfaces) byId.set(rule.id, rule);
  const rules: RuleSet = { interfaces, advice: sortAdvice(advice), byId, dir: root, problems };
  loaded.set(`${root}\0${strict}`, { stamp, rules });
  return rules;
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
      if (rule.id !== expectedId) problems.push(`${origin}: id "${rule.id}" differs from the file name`);
      else out.push(rule);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  return out;
}

function sortAdvice(advice: AdviceRule[]): AdviceRule[] {
  return advice.sort((a, b) => b.priority - a.priority || a.id.localeCompare(b.id));
}

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(dir, name));
}

const require = createRequire(import.meta.url);

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
