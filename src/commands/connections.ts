import { snapConnections } from '../launch/connected.js';
import { snapForCommand } from '../launch/snap-arg.js';
import { loadRules } from '../suggest/load.js';
import type { CommandMain } from './types.js';
import { UsageError } from './types.js';
import { parseCommandArgs } from './args.js';

export const main: CommandMain = async (argv, io) => {
  const { values, positionals } = parseCommandArgs('connections', argv, {
    snap: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(
      'Usage: snappy-debug connections [--snap PATH] SNAP\n\nLists the plugs of SNAP and whether they are connected.\n',
    );
    return 0;
  }
  const [name, extra] = positionals;
  if (name === undefined || extra !== undefined)
    throw new UsageError('connections: exactly one SNAP is needed');
  const snap = await snapForCommand('connections', name, values.snap);
  const { from, plugs } = await snapConnections(snap.meta, loadRules());
  const rows = [
    ['Plug', 'Interface', 'Connected', 'Why'],
    ...plugs.map((p) => [`${name}:${p.plug}`, p.interface, p.connected ? 'yes' : 'no', p.reason]),
  ];
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
  for (const row of rows)
    io.stdout.write(
      `${row
        .map((cell, col) => cell.padEnd(widths[col]!))
        .join('  ')
        .trimEnd()}\n`,
    );
  io.stdout.write(`(${from === 'snapd' ? 'from snapd' : 'local store; snapd is not running'})\n`);
  return 0;
};
