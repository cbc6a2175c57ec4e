import { writeFileSync } from 'node:fs';
import { readAll } from '../launch/compare-run.js';
import {
  deleteOverlay,
  loadOverlay,
  systemIds,
  OVERLAY_DIR,
  OverlayError,
  overlayDir,
  overlayPath,
  saveOverlay,
} from '../launch/overlay-store.js';
import { snapForCommand } from '../launch/snap-arg.js';
import { exportOverlay } from '../overlay/export.js';
import { allowDenials, allowSummary, formatOverlay } from '../overlay/allow.js';
import type { Denial } from '../model/denial.js';
import {
  addEntry,
  describeEntry,
  entryKey,
  removeEntry,
  setUnrestricted,
  type OverlayEntry,
  type PolicyOverlay,
} from '../overlay/overlay.js';
import { EntryError, entryFromWords, validateEntry } from '../overlay/validate.js';
import { parseLine } from '../parse/index.js';
import { rulesCacheDir, rulesDir } from '../paths.js';
import { Enricher } from '../scan/enrich.js';
import { declaredPlugs } from '../snap/connections.js';
import { loadRules } from '../suggest/index.js';
import { parseCommandArgs } from './args.js';
import type { CommandIO, CommandMain } from './types.js';
import { UsageError } from './types.js';

const USAGE = `Usage: snappy-debug overlay [--dir DIR] SNAP [ACTION ...]

A local policy overlay per snap, applied by \`run\` and \`compare\` (unless --no-overlay): allow
a denial there, re-run strict, and see whether the app now works.

  overlay SNAP                          list the entries, numbered, with their reasons
  overlay SNAP add interface NAME       connect an interface (snap.yaml need not plug it yet)
  overlay SNAP add seccomp 'LINE'       a seccomp line: SYSCALL [ARG...] as in snapd's profiles
  overlay SNAP add device c|b MAJOR MINOR|*
  overlay SNAP add apparmor 'RULE'      an AppArmor rule, e.g. '/etc/foo r,' 'capability net_admin,'
  overlay SNAP allow [N]                for each denial of SNAP in the log lines on stdin, add its
                                        choice N (default 1: the exact rule; then the suggested
                                        interfaces in rank order)
  overlay SNAP remove N                 remove entry N
  overlay SNAP unrestricted on|off      no seccomp filter at all (@unrestricted), for debugging
  overlay SNAP export [--plugs|--connect|--policy|--markdown] [--snap PATH] [-o FILE]
                                        plugs: for snapcraft.yaml, snap connect commands, a draft
                                        interface policy (default: all, as Markdown)
  overlay SNAP clear                    remove the overlay

  --dir DIR   where overlays live (default $SNAPPY_DEBUG_OVERLAYS or ${OVERLAY_DIR})
  --snap PATH the snap (.snap file or directory), for export: plugs snap.yaml declares are left out

Exit status: 0 on success, 1 when the overlay cannot be read or written or the input has no
denial of SNAP, 2 on bad usage.
`;

const SNAP_NAME = /^[a-z0-9](?:-?[a-z0-9])*(?:_[a-z0-9]{1,10})?$/;

function choiceNumber(text: string | undefined, what: string): number {
  if (text === undefined) return 1;
  if (!/^[1-9]\d{0,5}$/.test(text)) throw new UsageError(`overlay: ${what} "${text}" is not a number from 1`);
  return Number(text);
}

/** Denials in the log lines on stdin, enriched (suggestions) as scanlog would. */
async function stdinDenials(io: CommandIO): Promise<Denial[]> {
  const text = new TextDecoder().decode(await readAll(io.stdin));
  const enricher = new Enricher(loadRules(rulesDir(), { cacheDir: rulesCacheDir() }));
  return text.split('\n').flatMap((line) => {
    const parsed = line.trim() === '' ? undefined : parseLine(line);
    return parsed?.kind === 'denial' ? [enricher.enrich(parsed.denial)] : [];
  });
}

async function exportText(o: PolicyOverlay, argv: readonly string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('overlay export', argv, {
    plugs: { type: 'boolean' },
    connect: { type: 'boolean' },
    policy: { type: 'boolean' },
    markdown: { type: 'boolean' },
    snap: { type: 'string' },
    output: { type: 'string', short: 'o' },
  });
  if (positionals.length > 0) throw new UsageError(`overlay: export takes no argument "${positionals[0]}"`);
  const chosen = (['plugs', 'connect', 'policy', 'markdown'] as const).filter((k) => values[k]);
  if (chosen.length > 1)
    throw new UsageError(`overlay: export takes one of --plugs, --connect, --policy, --markdown`);
  const declared =
    values.snap !== undefined
      ? new Set(
          declaredPlugs((await snapForCommand('overlay', o.snap.split('_')[0]!, values.snap)).meta).keys(),
        )
      : new Set<string>();
  const exported = exportOverlay(o, declared);
  const text = {
    plugs: exported.plugsYaml,
    connect: exported.snapConnect.map((c) => `${c}\n`).join(''),
    policy: exported.draftPolicy,
    markdown: exported.markdown,
  }[chosen[0] ?? 'markdown'];
  if (values.output === undefined) {
    io.stdout.write(text);
    return 0;
  }
  try {
    writeFileSync(values.output, text);
  } catch (error) {
    throw new UsageError(
      `overlay: cannot write ${values.output}: ${(error as NodeJS.ErrnoException).code}`,
      1,
    );
  }
  io.stdout.write(`wrote ${values.output}\n`);
  return 0;
}

async function act(snap: string, dir: string, action: readonly string[], io: CommandIO): Promise<number> {
  const [verb, ...args] = action;
  const path = overlayPath(snap, dir);
  const overlay = loadOverlay(snap, dir);
  const save = (next: PolicyOverlay, message: string): number => {
    if (next !== overlay) saveOverlay(next, dir);
    io.stdout.write(message);
    return 0;
  };
  switch (verb) {
    case undefined:
    case 'list':
      io.stdout.write(formatOverlay(overlay, path));
      return 0;
    case 'add': {
      let entry: OverlayEntry;
      try {
        entry = entryFromWords(args);
        validateEntry(entry, {
          rules: loadRules(rulesDir(), { cacheDir: rulesCacheDir() }),
          ...systemIds(),
        });
      } catch (error) {
        if (error instanceof EntryError) throw new UsageError(`overlay: ${error.message}`);
        throw error;
      }
      const next = addEntry(overlay, entry);
      if (next === overlay) {
        const at = overlay.entries.findIndex((e) => entryKey(e) === entryKey(entry)) + 1;
        return save(next, `already there: ${at}. ${describeEntry(entry)}\n`);
      }
      return save(next, `added ${next.entries.length}. ${describeEntry(entry)}  (${path})\n`);
    }
    case 'allow': {
      if (args.length > 1) throw new UsageError('overlay: allow takes at most one choice number');
      if (io.stdin.isTTY) throw new UsageError('overlay: allow reads log lines on stdin: pipe them in');
      const choice = choiceNumber(args[0], 'choice');
      const result = allowDenials(overlay, await stdinDenials(io), choice);
      if (result.denials === 0) {
        const others = result.otherSnaps > 0 ? ` (${result.otherSnaps} of other snaps)` : '';
        throw new UsageError(`overlay: no denial of ${snap} in the input${others}`, 1);
      }
      return save(result.overlay, `${[...result.added, allowSummary(result, choice)].join('\n')}\n`);
    }
    case 'remove': {
      if (args.length !== 1) throw new UsageError('overlay: remove takes one entry number');
      const n = choiceNumber(args[0], 'entry');
      if (n > overlay.entries.length)
        throw new UsageError(
          `overlay: no entry ${n}: the overlay of ${snap} has ${overlay.entries.length}`,
          1,
        );
      return save(removeEntry(overlay, n - 1), `removed ${n}. ${describeEntry(overlay.entries[n - 1]!)}\n`);
    }
    case 'unrestricted': {
      const [state, extra] = args;
      if ((state !== 'on' && state !== 'off') || extra !== undefined)
        throw new UsageError('overlay: unrestricted takes on or off');
      const on = state === 'on';
      return save(
        setUnrestricted(overlay, on),
        on
          ? `seccomp of ${snap} is now UNRESTRICTED in runs (@unrestricted): no filter is enforced\n`
          : `seccomp of ${snap} is enforced again\n`,
      );
    }
    case 'export':
      return exportText(overlay, args, io);
    case 'clear':
      if (args.length > 0) throw new UsageError('overlay: clear takes no argument');
      io.stdout.write(deleteOverlay(snap, dir) ? `removed ${path}\n` : `no overlay of ${snap} (${path})\n`);
      return 0;
    default:
      throw new UsageError(
        `overlay: unknown action "${verb}" (list, add, allow, remove, unrestricted, export, clear)`,
      );
  }
}

export const main: CommandMain = async (argv, io) => {
  // Options after the action belong to it (export --plugs); only those before SNAP are ours.
  const firstPositional = argv.findIndex((a, i) => !a.startsWith('-') && argv[i - 1] !== '--dir');
  const own = firstPositional < 0 ? argv : argv.slice(0, firstPositional);
  const { values } = parseCommandArgs('overlay', own, {
    dir: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help || argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(USAGE);
    return 0;
  }
  const [snap, ...action] = firstPositional < 0 ? [] : argv.slice(firstPositional);
  if (snap === undefined) throw new UsageError('overlay: SNAP is missing');
  if (!SNAP_NAME.test(snap)) throw new UsageError(`overlay: "${snap}" is not a snap name`);
  try {
    return await act(snap, values.dir ?? overlayDir(), action, io);
  } catch (error) {
    if (error instanceof OverlayError) {
      const hint = / EACCES$/.test(error.message) ? ' (run as root, or use --dir DIR)' : '';
      throw new UsageError(`overlay: ${error.message}${hint}`, 1);
    }
    throw error;
  }
};
