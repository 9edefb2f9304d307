// Part "crash": requests failed per master SIGKILL under HTTP load, with the
// emperor keeping a copy of the vassal's sockets (the default) and without
// (UW_SOCKET_KEEPER=off, the old behaviour: the socket dies with the master and
// clients are refused until the next master has bound it again). Two emperors,
// one 2-worker module vassal each on a fixed port, the same load and kills.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fmt, int, table } from './lib/format.js';
import { startEmperor, vassalState } from './lib/emperor.js';
import { freePort } from '../test/helpers/free-port.js';
import { startLoad } from './lib/load.js';
import type { LoadResult } from './lib/load-types.js';
import { HELLO_APP } from './lib/paths.js';
import { ProcessSet } from './lib/process-set.js';
import type { BenchOptions, PartReport } from './lib/report.js';
import { sleep, withTempDir } from './lib/temp-dir.js';

const RATE = 400;
const CONNECTIONS = 16;
const STEADY_MS = 1_500;
const STEP_TIMEOUT_MS = 30_000;

interface Run {
  readonly label: string;
  readonly kills: number;
  readonly result: LoadResult;
}

async function oneRun(root: string, label: string, env: NodeJS.ProcessEnv, kills: number, options: BenchOptions): Promise<Run> {
  const processes = new ProcessSet();
  try {
    const dir = `${root}/${label.replace(/\W+/g, '-')}`;
    mkdirSync(dir);
    const port = await freePort();
    writeFileSync(`${dir}/crash.ini`, `[uwsgi]\nhttp-socket = 127.0.0.1:${port}\nmodule = ${HELLO_APP}\nprocesses = 2\n`);
    const emperor = await startEmperor(processes, dir, [], env);
    let ready = await vassalState(emperor, 'crash.ini', 'ready', 0, STEP_TIMEOUT_MS);
    const load = startLoad(processes, { port, connections: CONNECTIONS, mode: 'new-connection', durationMs: 0, ratePerSec: RATE, timeoutMs: 10_000 });
    for (let kill = 1; kill <= kills; kill += 1) {
      await sleep(STEADY_MS);
      options.progress(`crash: ${label}, SIGKILL ${kill}/${kills}`);
      const from = emperor.lines.length;
      process.kill(Number(ready.masterPid), 'SIGKILL');
      ready = await vassalState(emperor, 'crash.ini', 'ready', from, STEP_TIMEOUT_MS);
    }
    await sleep(STEADY_MS);
    return { label, kills, result: await load.stop() };
  } finally {
    await processes.stopAll(35_000);
  }
}

/** Run the part: the same kills with and without the emperor's socket copies. */
export async function runCrash(options: BenchOptions): Promise<PartReport> {
  const kills = options.quick ? 3 : 10;
  return withTempDir('crash', async (root) => {
    const runs = [
      await oneRun(root, 'with socket copies', process.env, kills, options),
      await oneRun(root, 'without (UW_SOCKET_KEEPER=off)', { ...process.env, UW_SOCKET_KEEPER: 'off' }, kills, options),
    ];
    return report(runs);
  });
}

function report(runs: readonly Run[]): PartReport {
  const perKill = (run: Run): number => run.result.failed / run.kills;
  const rows = runs.map((run) => [
    run.label,
    int(run.kills),
    int(run.result.ok),
    int(run.result.failed),
    fmt(perKill(run), 1),
    Object.entries(run.result.errors).map(([kind, n]) => `${kind} ${n}`).join(', ') || '-',
    fmt(run.result.latency.max, 0),
  ]);
  const [withCopies] = runs;
  return {
    title: 'Crash: requests failed per master SIGKILL',
    markdown: [
      `One 2-worker module vassal on a fixed port, ${RATE} req/s over ${CONNECTIONS} new-connection loops (10 s timeout); the master is SIGKILLed every time it is ready again and ${STEADY_MS} ms have passed. The emperor restarts it at once (it was ready). The same run with the emperor's copies of the vassal's sockets turned off (\`UW_SOCKET_KEEPER=off\`) shows the old behaviour.`,
      '',
      table(['emperor', 'SIGKILLs', 'ok', 'failed', 'failed per SIGKILL', 'failures by kind', 'slowest ok ms'], rows),
    ].join('\n'),
    targets: withCopies === undefined ? [] : [
      { figure: 'requests failed per master SIGKILL (with socket copies)', target: 'only those in flight', measured: fmt(perKill(withCopies), 1), met: null },
    ],
  };
}
