/**
 * Where connections live: snapd's REST API when snapd runs (/run/snapd.socket), else our own file
 * /var/lib/snappy-debug/connections.json ({"SNAP": {"connected": [...], "disconnected": [...]}}).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ConnectionChanges } from '../snap/connections.js';

export const SNAPD_SOCKET = '/run/snapd.socket';
export const DEFAULT_STORE = '/var/lib/snappy-debug/connections.json';

type StoreFile = Record<string, ConnectionChanges>;

export class ConnectionStore {
  constructor(readonly path: string = process.env.SNAPPY_DEBUG_CONNECTIONS ?? DEFAULT_STORE) {}

  private read(): StoreFile {
    if (!existsSync(this.path)) return {};
    const data: unknown = JSON.parse(readFileSync(this.path, 'utf8'));
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new Error(`cannot read ${this.path}: not a JSON object`);
    }
    return data as StoreFile;
  }

  changes(snap: string): ConnectionChanges {
    const entry = this.read()[snap];
    return { connected: entry?.connected ?? [], disconnected: entry?.disconnected ?? [] };
  }

  set(snap: string, plug: string, connected: boolean): void {
    const all = this.read();
    const entry = all[snap] ?? { connected: [], disconnected: [] };
    const without = (list: readonly string[]): string[] => list.filter((p) => p !== plug);
    all[snap] = connected
      ? { connected: [...without(entry.connected), plug].sort(), disconnected: without(entry.disconnected) }
      : { connected: without(entry.connected), disconnected: [...without(entry.disconnected), plug].sort() };
    const temp = `${this.path}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o755 });
      writeFileSync(temp, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o644 });
      renameSync(temp, this.path);
    } catch (error) {
      // The previous file is untouched; a half-written temporary one is not left behind.
      try {
        rmSync(temp, { force: true });
      } catch {
        // nothing of ours there (a read-only file system refuses even to look)
      }
      throw new Error(`cannot write ${this.path}: ${systemReason(error)}`, { cause: error });
    }
  }
}

/** "no space left on device" from Node's "ENOSPC: no space left on device, write". */
function systemReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return /^E[A-Z]+: ([^,]+)/.exec(message)?.[1] ?? message;
}

interface SnapdConnection {
  readonly plug: { readonly snap: string; readonly plug: string };
  readonly interface: string;
}

/** Connected plugs of a snap according to snapd, or undefined when snapd does not answer. */
export async function snapdConnectedPlugs(
  snap: string,
  socket = SNAPD_SOCKET,
): Promise<string[] | undefined> {
  if (!existsSync(socket)) return undefined;
  // Loaded only here: without snapd a run does not pay for node:http.
  const { request } = await import('node:http');
  return new Promise((resolvePlugs) => {
    const req = request(
      { socketPath: socket, path: `/v2/connections?snap=${encodeURIComponent(snap)}`, timeout: 2000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          try {
            const parsed = JSON.parse(body) as { result?: { established?: SnapdConnection[] } };
            const established = parsed.result?.established ?? [];
            resolvePlugs(established.filter((c) => c.plug.snap === snap).map((c) => c.plug.plug));
          } catch {
            resolvePlugs(undefined);
          }
        });
      },
    );
    req.on('error', () => resolvePlugs(undefined));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}
