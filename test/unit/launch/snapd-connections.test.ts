import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapdConnectedPlugs } from '../../../src/launch/connection-store.js';

// snapd does not run here: a server on a unix socket answers GET /v2/connections as snapd does.
const dir = mkdtempSync(join(tmpdir(), 'snappy-debug-snapd.'));
const socket = join(dir, 'snapd.socket');
let server: Server;
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    res.setHeader('Content-Type', 'application/json');
    res.end(
      JSON.stringify({
        type: 'sync',
        'status-code': 200,
        result: {
          established: [
            {
              slot: { snap: 'core', slot: 'network' },
              plug: { snap: 'demo', plug: 'network' },
              interface: 'network',
            },
            {
              slot: { snap: 'demo', slot: 'srv' },
              plug: { snap: 'other', plug: 'client' },
              interface: 'content',
            },
          ],
          plugs: [],
          slots: [],
        },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('snapdConnectedPlugs', () => {
  it("asks snapd for the snap's connections and keeps its own plugs", async () => {
    expect(await snapdConnectedPlugs('demo', socket)).toEqual(['network']);
    expect(requests).toEqual(['/v2/connections?snap=demo']);
  });

  it('is undefined when there is no snapd socket', async () => {
    expect(await snapdConnectedPlugs('demo', join(dir, 'absent.socket'))).toBeUndefined();
  });
});
