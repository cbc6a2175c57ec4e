import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rulesDir } from '../../../src/paths.js';
import { forgetLoadedRules, loadInterfaceRules, loadRules } from '../../../src/suggest/load.js';

const work = mkdtempSync(join(tmpdir(), 'snappy-debug-interface-rules.'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A rules directory of a few real interfaces (and the schemas), with a cache directory of its own. */
function smallRules(): { dir: string; cacheDir: string } {
  const dir = mkdtempSync(join(work, 'rules.'));
  mkdirSync(join(dir, 'interfaces'));
  for (const id of ['network', 'home', 'camera', 'x11']) {
    cpSync(join(rulesDir(), 'interfaces', `${id}.yaml`), join(dir, 'interfaces', `${id}.yaml`));
  }
  cpSync(join(rulesDir(), 'schema'), join(dir, 'schema'), { recursive: true });
  return { dir, cacheDir: join(dir, 'cache') };
}

function lineFile(cacheDir: string): string {
  const name = readdirSync(cacheDir).find((n) => n.endsWith('.lines'));
  if (name === undefined) throw new Error('no line cache written');
  return join(cacheDir, name);
}

describe('loadInterfaceRules', () => {
  it('gives every interface of rules/ exactly as loadRules does, from the line cache', () => {
    // The default cache (which the other rules tests keep warm): parsing rules/ takes seconds.
    const full = loadRules(rulesDir());
    const ids = full.interfaces.map((rule) => rule.id);
    loadInterfaceRules([], rulesDir()); // writes the line cache when it is missing or stale
    const fromLines = loadInterfaceRules([...ids, 'no-such-interface'], rulesDir());
    expect(fromLines.interfaces).toEqual(full.interfaces);
    expect([...fromLines.byId.keys()]).toEqual(ids);
    expect(fromLines.advice).toEqual([]);
    const some = loadInterfaceRules(['home', 'network', 'no-such-interface'], rulesDir());
    expect(some.interfaces.map((rule) => rule.id)).toEqual(['home', 'network']);
    expect(some.byId.get('network')).toEqual(full.byId.get('network'));
  });

  it('reads the wanted lines only while their files are unchanged, else falls back to loadRules', () => {
    const { dir, cacheDir } = smallRules();
    const truth = loadRules(dir, { cacheDir: false });
    expect(loadInterfaceRules(['home'], dir, { cacheDir }).byId.get('home')).toEqual(truth.byId.get('home'));
    // The line cache is what answers: a planted change to a line shows.
    const file = lineFile(cacheDir);
    // (of the same length: the header's line lengths still hold)
    const planted = readFileSync(file, 'utf8').replace(/("id":"home","summary":")[A-Za-z ]{7}/, '$1PLANTED');
    writeFileSync(file, planted);
    expect(loadInterfaceRules(['home'], dir, { cacheDir }).byId.get('home')?.summary).toMatch(/^PLANTED/);
    // Another interface's file changed: home's line still holds.
    const later = new Date(Date.now() + 5000);
    utimesSync(join(dir, 'interfaces', 'camera.yaml'), later, later);
    expect(loadInterfaceRules(['home'], dir, { cacheDir }).byId.get('home')?.summary).toMatch(/^PLANTED/);
    // The wanted file changed since: its line is not used.
    utimesSync(join(dir, 'interfaces', 'home.yaml'), later, later);
    forgetLoadedRules();
    expect(loadInterfaceRules(['home'], dir, { cacheDir }).byId.get('home')).toEqual(truth.byId.get('home'));
    expect(readFileSync(lineFile(cacheDir), 'utf8')).not.toContain('PLANTED');
  });

  it('looks again when interface files are added or removed, or the schema changes', () => {
    const { dir, cacheDir } = smallRules();
    const truth = loadRules(dir, { cacheDir: false });
    expect(loadInterfaceRules(['x11', 'ssh-keys'], dir, { cacheDir }).interfaces.map((r) => r.id)).toEqual([
      'x11',
    ]);
    cpSync(join(rulesDir(), 'interfaces', 'ssh-keys.yaml'), join(dir, 'interfaces', 'ssh-keys.yaml'));
    forgetLoadedRules();
    const added = loadInterfaceRules(['x11', 'ssh-keys'], dir, { cacheDir });
    expect(added.interfaces.map((r) => r.id)).toEqual(['ssh-keys', 'x11']);
    expect(added.byId.get('ssh-keys')).toEqual(loadRules(rulesDir()).byId.get('ssh-keys'));
    rmSync(join(dir, 'interfaces', 'x11.yaml'));
    forgetLoadedRules();
    expect(loadInterfaceRules(['x11', 'ssh-keys'], dir, { cacheDir }).interfaces.map((r) => r.id)).toEqual([
      'ssh-keys',
    ]);
    const file = lineFile(cacheDir);
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(/("id":"home","summary":")[A-Za-z ]{7}/, '$1PLANTED'),
    );
    const later = new Date(Date.now() + 5000);
    utimesSync(join(dir, 'schema', 'interface.schema.json'), later, later);
    forgetLoadedRules();
    expect(loadInterfaceRules(['home'], dir, { cacheDir }).byId.get('home')).toEqual(truth.byId.get('home'));
  });

  it('ignores a damaged line cache', () => {
    // (a line of another length than the header says, a truncated file, a broken header)
    const { dir, cacheDir } = smallRules();
    const truth = loadRules(dir, { cacheDir: false });
    loadInterfaceRules([], dir, { cacheDir });
    const file = lineFile(cacheDir);
    const lines = readFileSync(file, 'utf8').split('\n');
    writeFileSync(file, [lines[0], `${lines[1]} `, ...lines.slice(2)].join('\n'));
    expect(loadInterfaceRules(['camera'], dir, { cacheDir }).byId.get('camera')).toEqual(
      truth.byId.get('camera'),
    );
    writeFileSync(file, `${lines.slice(0, 2).join('\n')}\n`); // header kept, lines missing
    expect(loadInterfaceRules(['x11'], dir, { cacheDir }).byId.get('x11')).toEqual(truth.byId.get('x11'));
    writeFileSync(file, 'not json\n');
    expect(loadInterfaceRules(['camera'], dir, { cacheDir }).byId.get('camera')).toEqual(
      truth.byId.get('camera'),
    );
  });
});
