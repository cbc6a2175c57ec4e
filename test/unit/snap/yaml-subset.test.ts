import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseYamlSubset } from '../../../src/snap/yaml-subset.js';

const full = (text: string): unknown => parse(text, { logLevel: 'error' });

/** The subset reader either declines or gives exactly what `yaml` gives (and `yaml` accepts it). */
function agreesWithYaml(text: string): boolean {
  const fast = parseYamlSubset(text);
  if (fast === undefined) return false;
  expect(() => full(text), text).not.toThrow();
  expect(fast.value, text).toStrictEqual(full(text));
  return true;
}

const HELLO = `name: hello-world
version: 6.4
architectures: [ all ]
summary: The 'hello-world' of snaps
description: |
    This is a simple snap example that includes a few interesting binaries
    to demonstrate snaps and their confinement.

    * hello-world.evil  - show how snaps are confined
apps:
 env:
   command: bin/env
 evil:
   command: bin/evil
 sh:
   command: bin/sh
 hello-world:
   command: bin/echo
`;

const SNAPCRAFT = `name: demo # the name
version: '1.0'
summary: "A demo: with a colon"
base: core22
confinement: strict
grade: stable
environment:
  LANG: C.UTF-8
  COUNT: 3
plugs:
  net: network
  home-rw:
    interface: home
  camera:
slots:
  dbus-svc: { interface: dbus, bus: session }
layout:
  /usr/share/demo:
    bind: $SNAP/usr/share/demo
apps:
  demo:
    command: bin/demo --flag=1
    command-chain:
    - snap/command-chain/snapcraft-runner
    plugs:
      - net
      - home-rw
      - 'x11'
hooks:
  configure:
    plugs: [net]
description: |-
  Keeps its last line without a newline.
  # not a comment
`;

describe('parseYamlSubset', () => {
  it('reads common snap.yaml files exactly as yaml does', () => {
    expect(agreesWithYaml(HELLO)).toBe(true);
    expect(agreesWithYaml(SNAPCRAFT)).toBe(true);
    expect(agreesWithYaml('name: sdbench\nversion: 1\napps:\n  app:\n    command: bin/snap-app\n')).toBe(
      true,
    );
    expect(parseYamlSubset(SNAPCRAFT)?.value).toMatchObject({
      version: '1.0',
      environment: { COUNT: 3 },
      slots: { 'dbus-svc': { interface: 'dbus', bus: 'session' } },
      plugs: { camera: null },
    });
  });

  it("reads the other tests' snap.yaml texts the same way", () => {
    const files = [
      '../../system/launcher-errors.test.ts',
      '../../system/launcher-malicious.test.ts',
      './snap-yaml.test.ts',
    ];
    const texts = files.flatMap((file) => {
      const source = readFileSync(new URL(file, import.meta.url), 'utf8');
      const quoted = [...source.matchAll(/'(name: (?:[^'\\]|\\.)*)'/g)].map((m) =>
        m[1]!.replaceAll('\\n', '\n'),
      );
      const templates = [...source.matchAll(/`(\nname: [^`$]*)`/g)].map((m) => m[1]!);
      return [...quoted, ...templates];
    });
    expect(texts.length).toBeGreaterThan(10);
    const accepted = texts.filter(agreesWithYaml).length;
    expect(accepted).toBeGreaterThan(texts.length / 2);
  });

  it('leaves to yaml what it does not read itself', () => {
    const declined = [
      'a: &x 1\nb: *x\n',
      'a: !!str 1\n',
      'a: -1.5\n',
      'a: 0x10\n',
      'a: 007\n',
      'a: .inf\n',
      'a: "tab\\t"\n',
      'a: b\n  c\n',
      'a: 1\na: 2\n',
      'a:\n\tb: 1\n',
      '---\na: 1\n',
      '- a\n- b\n',
      'a: >\n  folded\n',
      'a: |+\n  kept\n\n',
      'a:\n  - b: 1\n',
      "a: 'multi\n  line'\n",
      'a: [b,\n  c]\n',
      '"quoted key": 1\n',
      '__proto__: 1\n',
      'a: x\r\n',
      '',
      '# only a comment\n',
    ];
    for (const text of declined) expect(parseYamlSubset(text), JSON.stringify(text)).toBeUndefined();
  });

  it('agrees with yaml on generated and mutated documents (property)', () => {
    const accepted = { plain: 0, mutated: 0 };
    fc.assert(
      fc.property(documentArbitrary, mutationsArbitrary, ({ text }, mutations) => {
        if (mutations.length === 0) {
          if (agreesWithYaml(text)) accepted.plain++;
          return;
        }
        if (agreesWithYaml(mutate(text, mutations))) accepted.mutated++;
      }),
      { numRuns: 4000 },
    );
    // The test is only worth something if the reader says yes often, mutated or not.
    expect(accepted.plain).toBeGreaterThan(300);
    expect(accepted.mutated).toBeGreaterThan(150);
  });
});

const ALPHABET = [
  ...'abcxyz019 :#-._/$\'"[]{},|>&*!\\~%@?é',
  'null',
  'True',
  'false',
  '1.0',
  '0o17',
  '0x1F',
  '007',
  '2.3.4',
  '.inf',
  '.NaN',
  '1e3',
  ': ',
  ' #',
  '- ',
];
const textArbitrary = fc
  .array(fc.constantFrom(...ALPHABET), { minLength: 0, maxLength: 6 })
  .map((parts) => parts.join(''));
const keyArbitrary = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.constantFrom(
      'name',
      'version',
      'apps',
      'plugs',
      'command',
      'a',
      'b',
      '$SNAP/x',
      '/usr/lib',
      'x.y',
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('null', 'true', '1', '-x', 'a b', '__proto__', 'on', '~', 'a:b', '#a'),
  },
  { weight: 1, arbitrary: textArbitrary },
);
const scalarArbitrary = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.constantFrom(
      'bin/app',
      'network',
      'core22',
      'hello world',
      '12',
      '0',
      'x1',
      '6.4',
      '1.',
      'a#b',
    ),
  },
  { weight: 3, arbitrary: textArbitrary.map((t) => t.trim()) },
  { weight: 1, arbitrary: textArbitrary.map((t) => `'${t.replaceAll("'", "''")}'`) },
  { weight: 1, arbitrary: textArbitrary.map((t) => `"${t}"`) },
);

type Node =
  | { readonly kind: 'scalar'; readonly text: string }
  | { readonly kind: 'flow-seq'; readonly items: readonly string[] }
  | { readonly kind: 'flow-map'; readonly pairs: readonly (readonly [string, string])[] }
  | { readonly kind: 'literal'; readonly header: string; readonly lines: readonly string[] }
  | { readonly kind: 'seq'; readonly items: readonly string[]; readonly sameIndent: boolean }
  | { readonly kind: 'map'; readonly pairs: readonly (readonly [string, Node])[] };

const { node: nodeArbitrary } = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: scalarArbitrary.map((text): Node => ({ kind: 'scalar', text })) },
    {
      weight: 1,
      arbitrary: fc
        .array(scalarArbitrary, { maxLength: 3 })
        .map((items): Node => ({ kind: 'flow-seq', items })),
    },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.tuple(keyArbitrary, scalarArbitrary), { maxLength: 3 })
        .map((pairs): Node => ({ kind: 'flow-map', pairs })),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({
          header: fc.constantFrom('|', '|-', '|', '|-', '|+', '>', '| # c', '|2'),
          lines: fc.array(fc.oneof(textArbitrary, fc.constant('')), { minLength: 1, maxLength: 4 }),
        })
        .map(({ header, lines }): Node => ({ kind: 'literal', header, lines })),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({
          items: fc.array(scalarArbitrary, { minLength: 1, maxLength: 3 }),
          sameIndent: fc.boolean(),
        })
        .map(({ items, sameIndent }): Node => ({ kind: 'seq', items, sameIndent })),
    },
    {
      weight: 2,
      arbitrary: fc
        .array(fc.tuple(keyArbitrary, tie('node')), { minLength: 1, maxLength: 4 })
        .map((pairs): Node => ({ kind: 'map', pairs })),
    },
  ),
}));

interface Style {
  readonly width: number;
  readonly comments: boolean;
}

function render(pairs: readonly (readonly [string, Node])[], indent: number, style: Style): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  for (const [key, value] of pairs) {
    const head = `${pad}${key}:`;
    const comment = style.comments ? ' # note' : '';
    switch (value.kind) {
      case 'scalar':
        lines.push(`${head} ${value.text}${comment}`);
        break;
      case 'flow-seq':
        lines.push(`${head} [${value.items.join(', ')}]${comment}`);
        break;
      case 'flow-map':
        lines.push(`${head} { ${value.pairs.map(([k, v]) => `${k}: ${v}`).join(', ')} }${comment}`);
        break;
      case 'literal':
        lines.push(`${head} ${value.header}`);
        for (const line of value.lines)
          lines.push(line === '' ? '' : `${pad}${' '.repeat(style.width)}${line}`);
        break;
      case 'seq': {
        lines.push(`${head}${comment}`);
        const itemPad = value.sameIndent ? pad : `${pad}${' '.repeat(style.width)}`;
        for (const item of value.items) lines.push(`${itemPad}- ${item}`);
        break;
      }
      case 'map':
        lines.push(`${head}${comment}`);
        if (style.comments) lines.push(`${pad}# a comment line`, '');
        lines.push(...render(value.pairs, indent + style.width, style));
    }
  }
  return lines;
}

const documentArbitrary = fc
  .record({
    pairs: fc.array(fc.tuple(keyArbitrary, nodeArbitrary), { minLength: 1, maxLength: 5 }),
    width: fc.integer({ min: 1, max: 4 }),
    comments: fc.boolean(),
  })
  .map(({ pairs, width, comments }) => ({ text: `${render(pairs, 0, { width, comments }).join('\n')}\n` }));

type Mutation = readonly [kind: number, where: number, amount: number];
const mutationsArbitrary = fc.oneof(
  fc.constant([] as Mutation[]),
  fc.array(fc.tuple(fc.nat(5), fc.nat(1000), fc.integer({ min: -3, max: 3 })), {
    minLength: 1,
    maxLength: 3,
  }),
);

/** Line-level damage: re-indent, drop, repeat, swap, or insert a character. */
function mutate(text: string, mutations: readonly Mutation[]): string {
  const lines = text.split('\n');
  for (const [kind, where, amount] of mutations) {
    if (lines.length === 0) break;
    const i = where % lines.length;
    const line = lines[i]!;
    switch (kind) {
      case 0:
        lines[i] =
          amount >= 0 ? `${' '.repeat(amount)}${line}` : line.replace(new RegExp(`^ {0,${-amount}}`), '');
        break;
      case 1:
        lines.splice(i, 1);
        break;
      case 2:
        lines.splice(i, 0, line);
        break;
      case 3:
        lines[i] = lines[(i + 1) % lines.length]!;
        lines[(i + 1) % lines.length] = line;
        break;
      default: {
        const at = (where * 7) % (line.length + 1);
        lines[i] = `${line.slice(0, at)}${ALPHABET[(where + amount + 3) % ALPHABET.length]}${line.slice(at)}`;
      }
    }
  }
  return lines.join('\n');
}
