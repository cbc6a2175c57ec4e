// Preloaded (node --import) into the scanlog runs bench/scanlog.mjs times: at exit, writes the
// CPU time of the main thread and of the others (user+sys, from /proc/self/task/*/stat, sampled
// every 5 ms so that threads ended before the exit still count) to stderr as one JSON line.
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10;
const threads = new Map();

function sample() {
  for (const id of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${id}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      threads.set(id, (Number(fields[11]) + Number(fields[12])) * TICK_MS);
    } catch {
      // The thread ended between the listing and the read: its last sample stands.
    }
  }
}

setInterval(sample, 5).unref();
process.on('exit', () => {
  sample();
  let main = 0;
  let others = 0;
  for (const [id, ms] of threads) {
    if (Number(id) === process.pid) main = ms;
    else others += ms;
  }
  process.stderr.write(`${JSON.stringify({ threadCpu: { main, others } })}\n`);
});
