#!/usr/bin/env node
// Extracts the plug-side policy of every snapd interface into rules/interfaces/NAME.yaml.
//
// usage: node scripts/extract-snapd-rules.mjs SNAPD_CHECKOUT [--abstractions DIR] [--tsv FILE]
//        [--out DIR] [--only a,b,c] [--force] [--dry-run]
//
// SNAPD_CHECKOUT is a work tree of canonical/snapd (interfaces/builtin/*.go are read).
// --abstractions points at an AppArmor abstractions directory (e.g. from Debian's apparmor
// package) so `#include <abstractions/x>` lines are expanded; expanded rules carry `via`.
// Existing files are kept unless --force; with --force their summary is carried over and
// samples are rebuilt, except in files whose first line starts with `# curated`: their
// `samples:` block (real denials with their source URLs) is kept verbatim. Attributes, slot
// path templates and left-out snippets are hand decisions in extract-snapd-rules/exclusions.mjs.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Document, isMap, isSeq, parse, visit } from 'yaml';
import { parseGoFile, plugSnippets } from './extract-snapd-rules/go-source.mjs';
import { appSlotPolicy, implicitSlot } from './extract-snapd-rules/slots.mjs';
import { parseAppArmor } from './extract-snapd-rules/apparmor.mjs';
import { parseSeccomp, parseUdev } from './extract-snapd-rules/seccomp-udev.mjs';
import { buildSamples } from './extract-snapd-rules/samples.mjs';
import {
  FILE_OVERRIDES,
  NO_FILE,
  SNIPPET_EXCLUSIONS,
  TEMPLATE_DEFAULTS,
} from './extract-snapd-rules/exclusions.mjs';

function parseArgs(argv) {
  const options = {
    tsv: '../shared/reference/snapd-interfaces.tsv',
    out: 'rules/interfaces',
    force: false,
    dryRun: false,
  };
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--force') options.force = true;
    else if (arg === '--dry-run') options.dryRun = true;
    else if (['--abstractions', '--tsv', '--out', '--only'].includes(arg)) {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      options[arg.slice(2)] = value;
    } else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`);
    else positional.push(arg);
  }
  if (positional.length !== 1) throw new Error('usage: extract-snapd-rules.mjs SNAPD_CHECKOUT [options]');
  options.snapd = positional[0];
  return options;
}

function readTsv(path) {
  const [header, ...rows] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const columns = header.split('\t');
  return rows.map((row) => Object.fromEntries(row.split('\t').map((v, i) => [columns[i], v])));
}

function goFileFor(builtinDir, name) {
  const guess = join(builtinDir, name.replace(/-/g, '_') + '.go');
  if (existsSync(guess)) return guess;
  for (const file of readdirSync(builtinDir)) {
    if (!file.endsWith('.go') || file.endsWith('_test.go')) continue;
    const text = readFileSync(join(builtinDir, file), 'utf8');
    if (new RegExp(`return "${name}"|name:\\s*"${name}"`).test(text)) return join(builtinDir, file);
  }
  return undefined;
}

// Super-privileged: the plug cannot be installed or connected without a snap-declaration.
// A slot-side deny-connection counts only for the system (core) slot: an app slot's own
// declaration decides for app slots (cups, mir, ...).
function needsReview(go) {
  const plugs = go.baseDeclarationPlugs;
  const slots = go.baseDeclarationSlots;
  if (/allow-installation:\s*false|deny-installation:\s*true|deny-connection:\s*true/.test(plugs))
    return true;
  return /deny-connection:\s*true/.test(slots) && /slot-snap-type:[^:]*-\s*core\b/.test(slots);
}

function applyOverride(doc, override) {
  if (!override) return;
  const { apparmor_file: files, apparmor_dbus: dbus, notes, ...fields } = override;
  if (files) doc.apparmor.file.push(...files);
  if (dbus) doc.apparmor.dbus.push(...dbus);
  Object.assign(doc, fields);
  if (notes) doc.notes = notes;
}

function extractOne(row, options, builtinDir) {
  const file = goFileFor(builtinDir, row.interface);
  if (!file) return { warnings: [`${row.interface}: no Go source found`] };
  const go = parseGoFile(readFileSync(file, 'utf8'));
  const excluded = new Set(SNIPPET_EXCLUSIONS[row.interface] ?? []);
  const snippets = plugSnippets(go, excluded);
  const warnings = [];
  let apparmorText = snippets.apparmor.join('\n');
  for (const [marker, text] of Object.entries(TEMPLATE_DEFAULTS))
    apparmorText = apparmorText.split(marker).join(text);
  const apparmor = parseAppArmor(apparmorText, {
    abstractions: options.abstractions,
    warn: (m) => warnings.push(`${row.interface}: ${m}`),
  });
  const seccomp = parseSeccomp(snippets.seccomp.join('\n'));
  const devices = parseUdev(snippets.udev, (m) => warnings.push(`${row.interface}: ${m}`));
  const doc = {
    id: row.interface,
    summary: '',
    auto_connect: row.auto_connect === 'yes',
    needs_review: needsReview(go),
    implicit_slot: implicitSlot(go),
    source: 'interfaces/builtin/' + file.split('/').pop(),
    attributes: [],
    apparmor,
    seccomp,
    devices,
  };
  const slotPolicy = appSlotPolicy(go, options, (m) => warnings.push(`${row.interface} slot: ${m}`));
  if (slotPolicy) doc.slot_apparmor = slotPolicy;
  applyOverride(doc, FILE_OVERRIDES[row.interface]);
  doc.samples = buildSamples(doc, (m) => warnings.push(`${row.interface}: ${m}`));
  return { doc, warnings, consts: snippets.names };
}

/** The `samples:` block of a curated file, comments included, up to the end of the file. */
function curatedSamples(text) {
  const at = text.search(/^samples:/m);
  if (at === -1) throw new Error('curated file without a samples block');
  return text.slice(at);
}

function carryOver(doc, old) {
  if (old?.summary) doc.summary = old.summary;
}

// Rules and devices as one-line flow maps, the rest in block style.
function toYaml(doc) {
  const document = new Document(doc);
  visit(document, {
    Seq(_, seq) {
      for (const item of seq.items) if (isMap(item) || isSeq(item)) item.flow = true;
    },
  });
  return document.toString({ lineWidth: 0 });
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  const builtinDir = join(options.snapd, 'interfaces', 'builtin');
  if (!existsSync(builtinDir)) throw new Error(`cannot find ${builtinDir}: not a snapd checkout`);
  const only = options.only ? new Set(options.only.split(',')) : undefined;
  const rows = readTsv(options.tsv).filter((r) => !only || only.has(r.interface));
  let written = 0;
  for (const row of rows) {
    if (row.has_apparmor !== 'yes' && row.has_seccomp !== 'yes' && row.has_udev !== 'yes') continue;
    if (row.interface in NO_FILE) continue;
    const target = join(options.out, row.interface + '.yaml');
    const previous = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
    if (previous !== undefined && !options.force) continue;
    const { doc, warnings, consts } = extractOne(row, options, builtinDir);
    if (doc && previous !== undefined) carryOver(doc, parse(previous));
    for (const w of warnings) console.error('warning: ' + w);
    if (!doc) continue;
    if (options.dryRun) {
      console.log(`# ${row.interface}: ${consts.join(' ')}`);
      continue;
    }
    const curated = previous?.startsWith('# curated') ? curatedSamples(previous) : undefined;
    const header = curated
      ? `# curated samples (kept verbatim by the extractor); policy extracted from canonical/snapd ${doc.source}\n`
      : `# Plug-side policy of the ${row.interface} interface, extracted from canonical/snapd ${doc.source}\n`;
    if (curated) delete doc.samples;
    writeFileSync(target, header + toYaml(doc) + (curated ?? ''));
    written++;
  }
  console.error(`${written} file(s) written to ${options.out}`);
}

try {
  main();
} catch (error) {
  console.error(`extract-snapd-rules: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
