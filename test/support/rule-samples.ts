import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Denial } from '../../src/model/denial.js';
import { parseLine } from '../../src/parse/index.js';
import { Enricher } from '../../src/scan/enrich.js';

const ROOT = join(import.meta.dirname, '../..');

/**
 * Every rule file's `match` sample lines (and its `no_match` ones with `noMatch`) that parse as
 * denials, named as a replay names them, in file order.
 */
export function ruleSampleDenials(options: { readonly noMatch?: boolean } = {}): Denial[] {
  const namer = new Enricher();
  const denials: Denial[] = [];
  for (const kind of ['interfaces', 'advice']) {
    const dir = join(ROOT, 'rules', kind);
    for (const name of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n))) {
      const data = parseYaml(readFileSync(join(dir, name), 'utf8')) as {
        samples?: { match?: unknown; no_match?: unknown };
      } | null;
      const lists = options.noMatch
        ? [data?.samples?.match, data?.samples?.no_match]
        : [data?.samples?.match];
      for (const list of lists) {
        if (!Array.isArray(list)) continue;
        for (const line of list) {
          const parsed = typeof line === 'string' ? parseLine(line) : undefined;
          if (parsed?.kind === 'denial') denials.push(namer.enrich(parsed.denial, 'file'));
        }
      }
    }
  }
  return denials;
}
