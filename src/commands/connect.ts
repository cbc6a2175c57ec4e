import { ConnectionStore, snapdConnectedPlugs } from '../launch/connection-store.js';
import { snapForCommand } from '../launch/snap-arg.js';
import { declaredPlugs, parsePlugRef } from '../snap/connections.js';
import { loadRules } from '../suggest/load.js';
import type { CommandIO, CommandMain } from './types.js';
import { UsageError } from './types.js';
import { parseCommandArgs } from './args.js';

/** connect and disconnect share everything but the verb. */
export async function changeConnection(
  verb: 'connect' | 'disconnect',
  argv: readonly string[],
  io: CommandIO,
): Promise<number> {
  const { values, positionals } = parseCommandArgs(verb, argv, {
    snap: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(
      `Usage: snappy-debug ${verb} [--snap PATH] SNAP:PLUG\n\n` +
        `Records the plug as ${verb}ed for \`snappy-debug run\` on systems without snapd\n` +
        `(kept in /var/lib/snappy-debug/connections.json). Where snapd runs, use \`snap ${verb}\`.\n`,
    );
    return 0;
  }
  const [refText, extra] = positionals;
  if (refText === undefined || extra !== undefined)
    throw new UsageError(`${verb}: exactly one SNAP:PLUG is needed`);
  const ref = parsePlugRef(refText);
  if (ref === undefined) throw new UsageError(`${verb}: "${refText}" is not SNAP:PLUG`);
  const snap = await snapForCommand(verb, ref.snap, values.snap);
  const iface = declaredPlugs(snap.meta).get(ref.plug);
  if (iface === undefined) throw new UsageError(`${verb}: snap "${ref.snap}" has no plug "${ref.plug}"`, 1);
  if (!loadRules().byId.has(iface)) {
    throw new UsageError(
      `${verb}: plug "${ref.plug}" uses interface "${iface}", which has no policy in rules/`,
      1,
    );
  }
  if ((await snapdConnectedPlugs(ref.snap)) !== undefined) {
    throw new UsageError(`${verb}: snapd runs here: use \`snap ${verb} ${refText}\``, 1);
  }
  const store = new ConnectionStore();
  try {
    store.set(ref.snap, ref.plug, verb === 'connect');
  } catch (error) {
    // The store names the path and the reason ("cannot write PATH: permission denied").
    throw new UsageError(`${verb}: ${(error as Error).message}`, 1);
  }
  io.stdout.write(
    `${verb === 'connect' ? 'connected' : 'disconnected'} ${ref.snap}:${ref.plug} (${iface})\n`,
  );
  return 0;
}

export const main: CommandMain = (argv, io) => changeConnection('connect', argv, io);
