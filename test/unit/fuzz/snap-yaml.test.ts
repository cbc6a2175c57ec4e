// Property tests of the snap.yaml reader: mutated realistic snap.yaml files and YAML-shaped noise.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  chainProblem,
  commandProblem,
  layoutPathProblem,
  layoutSourceProblem,
} from '../../../src/snap/snap-paths.js';
import { parseSnapYaml, SnapYamlError, type SnapMeta } from '../../../src/snap/snap-yaml.js';
import { mutate, Rng } from '../../support/mutate.mjs';

const SEEDS = [
  `name: demo
version: 1.2
base: core22
confinement: devmode
environment:
  A: one
plugs:
  net: network
  home-rw:
    interface: home
  camera:
slots:
  dbus-svc: { interface: dbus }
layout:
  /usr/share/demo:
    bind: $SNAP/usr/share/demo
  /etc/demo.conf:
    bind-file: $SNAP_DATA/demo.conf
  /usr/lib/demo:
    symlink: $SNAP/lib
  /var/cache/demo:
    type: tmpfs
apps:
  demo:
    command: bin/demo --flag
    command-chain: [bin/launcher]
    environment: { B: two }
    plugs: [net, home-rw, x11]
hooks:
  configure:
    plugs: [net]
`,
  `name: hello-world
version: '6.4'
summary: The 'hello-world' of snaps
apps:
  hello-world:
    command: bin/echo
  env:
    command: bin/env
  evil:
    command: bin/evil
  sh:
    command: bin/sh
`,
  `name: sd-layout
version: '1'
apps:
  app:
    command: bin/snap-app
    plugs: [network, home]
layout:
  /mnt:
    bind: $SNAP/bin
`,
];

const YAML_BITS = [
  '\n',
  '  ',
  ': ',
  '- ',
  '[',
  ']',
  '{',
  '}',
  ',',
  '&a ',
  '*a',
  '!!binary ',
  '? ',
  '|',
  '>',
  '"',
  "'",
  '#',
  '\t',
  '..',
  '/',
  '$SNAP',
  '/proc',
  'command',
  'layout',
  'apps',
  'bind',
  'name',
  '~',
  'null',
  '1e400',
  '<<: *a',
];

function mutateYaml(source: string, rng: Rng): string {
  const lines = source.split('\n');
  const at = rng.int(lines.length);
  switch (rng.int(5)) {
    case 0:
      lines[at] = mutate(lines[at]!, rng);
      break;
    case 1:
      lines.splice(at, 0, lines[rng.int(lines.length)]!);
      break;
    case 2:
      lines.splice(at, 1);
      break;
    case 3: {
      const indent = /^ */.exec(lines[at]!)![0];
      const key = /^ *([^:]+):/.exec(lines[at]!)?.[1] ?? 'x';
      const value = rng.pick([
        '[1, 2]',
        '{a: b}',
        '~',
        '123',
        '/bin/sh',
        '../../bin/sh',
        '$SNAP/../x',
        '"a\\nb"',
        '*undefined',
        '&x [1]',
        '',
      ]);
      lines[at] = `${indent}${key}: ${value}`;
      break;
    }
    default: {
      let bits = '';
      for (let i = rng.int(12); i > 0; i--) bits += rng.pick(YAML_BITS);
      lines.splice(at, 0, bits);
    }
  }
  return lines.join('\n');
}

function parseOrYamlError(source: string): SnapMeta | undefined {
  try {
    return parseSnapYaml(source);
  } catch (error) {
    if (!(error instanceof SnapYamlError)) throw error;
    if (!/^meta\/snap\.yaml: [^\n\r]+$/.test(error.message))
      throw new Error(`bad message ${JSON.stringify(error.message)}`);
    return undefined;
  }
}

/** What the launcher relies on in anything the reader accepts. */
function checkAccepted(meta: SnapMeta): void {
  if (!/^[a-z0-9](?:-?[a-z0-9])*$/.test(meta.name) || meta.name.length > 40)
    throw new Error(`accepted name ${meta.name}`);
  for (const app of [...meta.apps.values(), ...meta.hooks.values()]) {
    if (commandProblem(app.command) !== undefined) throw new Error(`accepted command ${app.command}`);
    for (const entry of app.commandChain)
      if (chainProblem(entry) !== undefined) throw new Error(`accepted chain ${entry}`);
  }
  for (const layout of meta.layout) {
    if (layoutPathProblem(layout.path, meta.name) !== undefined)
      throw new Error(`accepted layout ${layout.path}`);
    if (layout.kind !== 'type' && layoutSourceProblem(layout.target) !== undefined)
      throw new Error(`accepted layout source ${layout.target}`);
  }
}

describe('parseSnapYaml (fuzz)', { timeout: 30_000 }, () => {
  it('the seeds parse', () => {
    for (const seed of SEEDS) checkAccepted(parseSnapYaml(seed));
  });

  it('mutated snap.yaml: a checked SnapMeta or a one-line SnapYamlError, nothing else', () => {
    fc.assert(
      fc.property(fc.nat(SEEDS.length - 1), fc.integer(), fc.nat(3), (index, seed, rounds) => {
        const rng = new Rng(seed);
        let source = SEEDS[index]!;
        for (let i = 0; i <= rounds; i++) source = mutateYaml(source, rng);
        const meta = parseOrYamlError(source);
        if (meta) checkAccepted(meta);
      }),
      { numRuns: 500 },
    );
  });

  it('arbitrary YAML-shaped text', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...YAML_BITS), { maxLength: 50 }), (bits) => {
        const meta = parseOrYamlError(`name: x\n${bits.join('')}`);
        if (meta) checkAccepted(meta);
      }),
      { numRuns: 1000 },
    );
  });

  it('hostile paths in commands and layouts are refused', () => {
    const paths = fc
      .array(fc.constantFrom('..', '.', '', 'bin', '$SNAP', '$HOME', 'proc', 'etc', 'x y'), { maxLength: 6 })
      .map((p) => p.join('/'));
    fc.assert(
      fc.property(paths, paths, fc.constantFrom('bind', 'bind-file', 'symlink'), (command, layout, kind) => {
        const yaml = `name: h\napps:\n  a:\n    command: '${command}'\nlayout:\n  '/${layout}':\n    ${kind}: '$SNAP/${layout}'\n`;
        const meta = parseOrYamlError(yaml);
        if (meta) checkAccepted(meta);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('regressions found by fuzzing', { timeout: 30_000 }, () => {
  it('a value with a newline is quoted on one line', () => {
    expect(() => parseSnapYaml('name: "a\\nb"\n')).toThrow(
      new SnapYamlError('name', '"a\nb" is not a valid snap name'),
    );
    expect(new SnapYamlError('name', '"a\nb" is not a valid snap name').message).toBe(
      'meta/snap.yaml: name: "a\\nb" is not a valid snap name',
    );
  });

  it('a file nested deeper than the stack says so, the same on every machine', () => {
    expect(() => parseSnapYaml(`name: x\nx: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`)).toThrow(
      new SnapYamlError('', 'is not valid YAML: it is nested too deeply'),
    );
  });

  it('a mapping used as a key prints no warning on stderr', () => {
    const warn = vi.spyOn(process, 'emitWarning');
    try {
      parseOrYamlError('name: x\n? { a: b }\n: c\n');
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});
