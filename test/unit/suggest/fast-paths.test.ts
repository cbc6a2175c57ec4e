// The suggestion engine's shortcuts give the answers of the plain ways they replace.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fileHits } from '../../../src/suggest/file-hits.js';
import { matchingGrants } from '../../../src/suggest/file-index.js';
import { compileGlob, globAccepts, literalPrefix, literalTestOf } from '../../../src/suggest/glob.js';
import { loadRules } from '../../../src/suggest/index.js';
import { fileName, fileNames, keysOfName, nameKeys, nameStart } from '../../../src/suggest/glob-names.js';
import { topDirectory } from '../../../src/suggest/glob-tops.js';
import { firstComponent } from '../../../src/suggest/match-file.js';
import { pathPattern } from '../../../src/suggest/pattern.js';
import { compareIds } from '../../../src/suggest/rank.js';
import { SNAP_DEPENDENT, variablesFor } from '../../../src/suggest/variables.js';

const rules = loadRules();
const globs = [
  ...new Set([
    ...rules.interfaces.flatMap((rule) => [
      ...rule.file.map((grant) => grant.path),
      ...rule.dbus.flatMap((g) => [g.path, g.interface, g.member, g.name, g.peerName, g.peerLabel]),
      ...rule.unix.flatMap((g) => [g.addr, g.peerAddr]),
      ...rule.mount.flatMap((g) => [g.mountpoint, g.source]),
    ]),
    ...rules.advice.flatMap((a) => [
      ...(a.when.path ?? []),
      ...(a.when.notPath ?? []),
      ...(a.when.peer ?? []),
    ]),
  ]),
].filter((g): g is string => g !== undefined);
const snaps = ['foo', 'lxd', 'firefox', 'docker', 'bar-baz'];
const bindings = [
  ...snaps.map((snap) => variablesFor({ snap, instance: snap })),
  variablesFor({ snap: 'foo', instance: 'foo_x1' }),
  variablesFor({}),
];

/** Texts near a glob: its literal start with a random tail, and snap paths of every snap. */
const near = fc
  .tuple(fc.constantFrom(...globs), fc.stringMatching(/^[a-z0-9./_-]{0,24}$/))
  .map(([glob, tail]) => literalPrefix(glob).replace(/[^/]*$/, '') + tail);
const snapPath = fc
  .tuple(
    fc.constantFrom(...snaps, 'foo_x1'),
    fc.constantFrom('/snap/', '/var/snap/', '/home/u/snap/', '/var/lib/snapd/snap/'),
    fc.constantFrom('1/', 'x2/', 'common/', 'current/'),
    fc.stringMatching(/^[a-z0-9._-]{0,12}$/),
  )
  .map(([snap, dir, revision, tail]) => `${dir}${snap}/${revision}${tail}`);
/** A glob filled in: each variable, group and wildcard with one of its own choices. */
function fill(glob: string, word: string, pick: number, snap: string): string {
  const choose = (choices: readonly string[]) => choices[pick % choices.length]!;
  let path = glob
    .replace(/@\{HOME\}/g, () => choose(['/home/u', '/root']))
    .replace(/@\{PROC\}/g, '/proc')
    .replace(/@\{(?:pid|tid|pids)\}/g, '42')
    .replace(/@\{SNAP_(?:INSTANCE_)?NAME\}/g, snap)
    .replace(/@\{[^}]*\}/g, word);
  while (/\{[^{}]*\}/.test(path)) {
    path = path.replace(/\{([^{}]*)\}/, (_, body: string) => choose(body.split(',')));
  }
  return path.replace(/\[([^\]])[^\]]*\]/g, '$1').replace(/\*\*|\*|\?/g, word);
}
const fillArgs = [fc.stringMatching(/^[a-z0-9._-]{1,8}$/), fc.nat(), fc.constantFrom('foo', 'lxd')] as const;
const filled = fc
  .tuple(fc.constantFrom(...globs), ...fillArgs)
  .map(([glob, word, pick, snap]) => fill(glob, word, pick, snap));
const text = fc.oneof(
  near,
  filled,
  snapPath,
  fc.stringMatching(/^\/[a-z0-9./_-]{0,40}$/),
  fc.constantFrom('/', '/proc/1/environ', '/proc/42/task/7/stat', 'org.freedesktop.DBus'),
);

describe('globAccepts', () => {
  it('answers as the compiled expression does, for every glob of the rule set and binding', () => {
    fc.assert(
      fc.property(fc.constantFrom(...globs), text, fc.constantFrom(...bindings), (glob, subject, vars) => {
        expect(globAccepts(glob, subject, vars)).toBe(compileGlob(glob, vars).test(subject));
      }),
      { numRuns: 4_000 },
    );
  });

  it('matches the glob itself and its near misses the same way', () => {
    const literal = globs.filter((g) => !/[*?[{@\\]/.test(g));
    expect(literal.filter((g) => literalTestOf(g).exact !== undefined).length).toBeGreaterThan(100);
    for (const glob of literal) {
      for (const subject of [
        glob,
        `${glob}x`,
        glob.slice(0, -1),
        glob.replace(/\/{2,}/g, '/'),
        `${glob}\n`,
      ]) {
        expect(globAccepts(glob, subject)).toBe(compileGlob(glob).test(subject));
      }
    }
  });
});

describe('file grant index shared across snaps', () => {
  it('finds, for each snap in turn, exactly the grants its own compiled globs match', () => {
    fc.assert(
      fc.property(text, fc.boolean(), fc.constantFrom(...bindings), (path, owned, vars) => {
        for (const rule of rules.interfaces) {
          const everyGlob = rule.file.filter(
            (grant) => (!grant.owner || owned) && compileGlob(grant.path, vars).test(path),
          );
          expect(matchingGrants(rule, vars, path, owned)).toEqual(everyGlob);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('finds in one pass, rule by rule in rule-set order, what each rule finds alone', () => {
    let found = 0;
    fc.assert(
      fc.property(text, fc.boolean(), fc.constantFrom(...bindings), (path, owned, vars) => {
        const perRule = rules.interfaces
          .map((rule) => [rule, matchingGrants(rule, vars, path, owned)] as const)
          .filter(([, hits]) => hits.length > 0);
        const onePass = fileHits(
          rules.interfaces,
          vars,
          path,
          owned,
          topDirectory(path),
          keysOfName(fileName(path)),
        );
        expect(onePass.map(([rule, hits]) => [rule.id, hits])).toEqual(
          perRule.map(([rule, hits]) => [rule.id, hits]),
        );
        found += onePass.length;
      }),
      { numRuns: 400 },
    );
    expect(found).toBeGreaterThan(400);
  });

  it('matches a grant naming the snap with each snap binding of its own', () => {
    const foo = variablesFor({ snap: 'foo', instance: 'foo' });
    const lxd = variablesFor({ snap: 'lxd', instance: 'lxd' });
    let differing = 0;
    for (const rule of rules.interfaces) {
      for (const grant of rule.file.filter((g) => /@\{SNAP_(?:INSTANCE_)?NAME\}/.test(g.path))) {
        // The glob filled in for snap "foo": first alternatives, first class members, "x" for wildcards.
        let path = grant.path.replace(/@\{SNAP_(?:INSTANCE_)?NAME\}/g, 'foo');
        while (/\{[^{}]*\}/.test(path)) path = path.replace(/\{([^{},]*)[^{}]*\}/, '$1');
        path = path.replace(/\[([^\]])[^\]]*\]/g, '$1').replace(/\*+|\?/g, 'x');
        expect(compileGlob(grant.path, foo).test(path), `${grant.path} vs ${path}`).toBe(true);
        expect(matchingGrants(rule, foo, path, true)).toContain(grant);
        for (const vars of [foo, lxd]) {
          expect(matchingGrants(rule, vars, path, true)).toEqual(
            rule.file.filter((g) => compileGlob(g.path, vars).test(path)),
          );
        }
        if (!matchingGrants(rule, lxd, path, true).includes(grant)) differing++;
      }
    }
    expect(differing).toBeGreaterThan(5);
  });
});

describe('fileNames', () => {
  it.each([
    ['@{PROC}/@{pid}/environ', ['environ']],
    ['/etc/{passwd,group}', ['passwd', 'group']],
    ['/etc/{,x}', ['', 'x']],
    ['/etc/pre{a,b}.conf', ['prea.conf', 'preb.conf']],
    ['/dev/tty*', undefined],
    ['/sys/**', undefined],
    ['/{a/b,c/d}', undefined],
    ['/{x/a{b,c},y}', undefined],
    ['/a/@{HOME}', undefined],
    ['/a/b\\*', undefined],
    ['/a/', ['']],
    ['noslash', undefined],
  ])('%s ends its matches with %j', (glob, names) => {
    expect(fileNames(glob)).toEqual(names);
  });

  it('names the file of every path a rule glob matches', () => {
    let named = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...globs),
        ...fillArgs,
        text,
        fc.constantFrom(...bindings),
        (glob, word, pick, snap, other, vars) => {
          const names = fileNames(glob);
          const keys = nameKeys(glob);
          for (const path of [fill(glob, word, pick, snap), other]) {
            if (!compileGlob(glob, vars).test(path)) continue;
            if (keys) expect(keysOfName(fileName(path)).some((key) => keys.includes(key))).toBe(true);
            if (!names) continue;
            expect(names).toContain(fileName(path));
            named++;
          }
        },
      ),
      { numRuns: 4_000 },
    );
    expect(named).toBeGreaterThan(1_000);
  });
});

describe('nameStart', () => {
  it.each([
    ['/dev/tty[0-9]*', 'tty'],
    ['/dev/video*', 'video'],
    ['/dev/hidraw[^/]', undefined],
    ['/a[^/xy]b', undefined],
    ['/dev/tty[!-0]x', 'tty'],
    ['/dev/tty{S,USB}[0-9]*', 'tty'],
    ['/dev/*', undefined],
    ['/dev/tty**', undefined],
    ['/dev/tty@{x}', undefined],
    ['/dev/tty[+-0]x', undefined],
    ['/dev/tty[a/]x', undefined],
    ['/{a/x,b}*', undefined],
    ['/{a/b*,c}', undefined],
    ['/a\\*', undefined],
  ])('%s: every match names a file starting %j', (glob, start) => {
    expect(nameStart(glob)).toBe(start);
  });

  it('files globs by the name keys of every path they match (ranges, groups, stars)', () => {
    let matched = 0;
    const tail = fc
      .array(
        fc.constantFrom(
          'a',
          'b',
          '/',
          '*',
          '**',
          '?',
          '[a-c]',
          '[!-0]',
          '[+-0]',
          '[^/a]',
          '[^x]',
          '{a,b/}',
          '{,c}',
          ',',
        ),
        {
          maxLength: 5,
        },
      )
      .map((parts) => parts.join(''));
    const path = fc
      .array(fc.constantFrom('a', 'b', 'c', '/', '-', '.', '0'), { maxLength: 8 })
      .map((p) => `/${p.join('')}`);
    fc.assert(
      fc.property(tail, path, (glob, subject) => {
        const keys = nameKeys(`/${glob}`);
        let regex: RegExp;
        try {
          regex = compileGlob(`/${glob}`);
        } catch {
          return;
        }
        if (keys && regex.test(subject)) {
          expect(keysOfName(fileName(subject)).some((key) => keys.includes(key))).toBe(true);
          matched++;
        }
      }),
      { numRuns: 5_000 },
    );
    expect(matched).toBeGreaterThan(100);
  });
});

describe('firstComponent', () => {
  it("is the path's split('/').slice(0, 2).join('/'), or '/'", () => {
    const path = fc.array(fc.constantFrom('/', 'a', 'bc', '.', ''), { maxLength: 6 }).map((p) => p.join(''));
    fc.assert(
      fc.property(fc.oneof(path, text), (subject) => {
        expect(firstComponent(subject)).toBe(subject.split('/').slice(0, 2).join('/') || '/');
      }),
      { numRuns: 3_000 },
    );
  });
});

describe('SNAP_DEPENDENT', () => {
  it('names exactly the variables whose values differ between snaps', () => {
    const [a, b, none] = [
      variablesFor({ snap: 'a', instance: 'a' }),
      variablesFor({ snap: 'b', instance: 'b_x' }),
      variablesFor({}),
    ];
    const differing = Object.keys({ ...a, ...b, ...none }).filter(
      (name) => a[name] !== b[name] || a[name] !== none[name],
    );
    expect([...SNAP_DEPENDENT].sort()).toEqual(differing.sort());
    expect(SNAP_DEPENDENT).toContain('SNAP_NAME');
    expect(SNAP_DEPENDENT).not.toContain('HOME');
  });
});

describe('compareIds', () => {
  it('orders ids of letters, digits and hyphens as localeCompare does', () => {
    const id = fc.stringMatching(/^[a-z0-9-]{0,12}$/);
    fc.assert(
      fc.property(id, id, (a, b) => {
        expect(Math.sign(compareIds(a, b))).toBe(Math.sign(a.localeCompare(b)));
      }),
      { numRuns: 5_000 },
    );
    const ids = rules.interfaces.map((r) => r.id);
    expect([...ids].sort(compareIds)).toEqual([...ids].sort((a, b) => a.localeCompare(b)));
  });

  it('falls back to localeCompare for other text', () => {
    expect(Math.sign(compareIds('_a', '0'))).toBe(Math.sign('_a'.localeCompare('0')));
    expect(Math.sign(compareIds('B', 'a'))).toBe(Math.sign('B'.localeCompare('a')));
  });
});

/** pathPattern as first written: every rewrite tried on every path, expressions built per call. */
function pathPatternReference(path: string, instance?: string): string {
  const name = instance ? instance.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : '[a-z0-9][a-z0-9_-]*';
  return path
    .replace(new RegExp(`^(?:/home/[^/]+|/root)/snap/${name}/common(?=/|$)`), '$SNAP_USER_COMMON')
    .replace(new RegExp(`^(?:/home/[^/]+|/root)/snap/${name}/(?:x?[0-9]+|current)(?=/|$)`), '$SNAP_USER_DATA')
    .replace(new RegExp(`^/var/snap/${name}/common(?=/|$)`), '$SNAP_COMMON')
    .replace(new RegExp(`^/var/snap/${name}/(?:x?[0-9]+|current)(?=/|$)`), '$SNAP_DATA')
    .replace(new RegExp(`^(?:/var/lib/snapd)?/snap/${name}/(?:x?[0-9]+|current)(?=/|$)`), '$SNAP')
    .replace(/^(?:\/home\/[^/]+|\/root)(?=\/|$)/, '@{HOME}')
    .replace(/^\/proc\/(?:[0-9]+|self|thread-self)\/task\/[0-9]+(?=\/|$)/, '@{PROC}/@{pid}/task/@{tid}')
    .replace(/^\/proc\/(?:[0-9]+|self|thread-self)(?=\/|$)/, '@{PROC}/@{pid}')
    .replace(/^\/proc(?=\/|$)/, '@{PROC}')
    .replace(/^\/run\/user\/[0-9]+(?=\/|$)/, '/run/user/@{uid}');
}

describe('pathPattern', () => {
  it('rewrites as trying every rewrite on every path does', () => {
    const piece = fc.constantFrom(
      '/home/jo',
      '/root',
      '/snap',
      '/var/snap',
      '/var/lib/snapd/snap',
      '/proc',
      '/self',
      '/thread-self',
      '/task',
      '/run/user',
      '/42',
      '/x2',
      '/current',
      '/common',
      '/foo',
      '/foo_k',
      '/demo',
      '/.config',
      '',
    );
    const path = fc.array(piece, { maxLength: 6 }).map((parts) => parts.join('') || '/');
    const instance = fc.constantFrom(undefined, 'foo', 'foo_k', 'demo', 'a.b');
    fc.assert(
      fc.property(fc.oneof(path, text), instance, (subject, name) => {
        expect(pathPattern(subject, name === undefined ? undefined : { instance: name })).toBe(
          pathPatternReference(subject, name),
        );
      }),
      { numRuns: 5_000 },
    );
  });
});
