// Suggestion-engine micro-benchmark, reported as ratios:
//  - loadRules() cold, against the 200 ms budget for ~200 interface files (goal <= 1);
//  - loadRules() warm (cache hit), against the cold load;
//  - suggest() per denial on the 150-line labelled corpus, against parseLine() on the same lines
//    (suggest runs once per new denial group, so within ~20x of parsing is plenty).
// Needs `npm run build` first (or BENCH_DIST=<tsc outDir>). Writes bench/out/suggest.json.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = process.env.BENCH_DIST ?? join(root, 'dist');
const engine = join(dist, 'src/suggest/index.js');
if (!existsSync(engine)) throw new Error(`cannot find ${engine}: run npm run build first`);
const { loadRules, suggest } = await import(engine);
const { parseLine } = await import(join(dist, 'src/parse/index.js'));

const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;

let start = process.hrtime.bigint();
const rules = loadRules(join(root, 'rules'));
const coldMs = ms(start);
start = process.hrtime.bigint();
loadRules(join(root, 'rules'));
const warmMs = ms(start);

const corpus = parseYaml(readFileSync(join(root, 'test/fixtures/corpus/denials.yaml'), 'utf8'));
const denials = corpus
  .map((e) => parseLine(e.line))
  .filter((p) => p.kind === 'denial')
  .map((p) => p.denial);
const rounds = Number(process.env.BENCH_ROUNDS ?? 20);

start = process.hrtime.bigint();
for (let r = 0; r < rounds; r++) for (const e of corpus) parseLine(e.line);
const parseUs = (ms(start) * 1000) / (rounds * corpus.length);

start = process.hrtime.bigint();
for (let r = 0; r < rounds; r++) for (const d of denials) suggest(d, rules);
const suggestUs = (ms(start) * 1000) / (rounds * denials.length);

const result = {
  interfaces: rules.interfaces.length,
  advice: rules.advice.length,
  loadRulesColdMs: Number(coldMs.toFixed(1)),
  loadRulesColdVsBudget: Number((coldMs / 200).toFixed(2)),
  loadRulesWarmVsCold: Number((warmMs / coldMs).toFixed(4)),
  suggestMicros: Number(suggestUs.toFixed(1)),
  parseMicros: Number(parseUs.toFixed(1)),
  suggestVsParse: Number((suggestUs / parseUs).toFixed(1)),
};
mkdirSync(join(root, 'bench/out'), { recursive: true });
writeFileSync(join(root, 'bench/out/suggest.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(result);
