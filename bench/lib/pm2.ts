// PM2 cluster mode for the script benchmark: PM2 from node_modules, its home
// (PM2_HOME) in a temporary directory so that ~/.pm2 is never touched, no
// version check or banner, and its daemon (which detaches from the CLI that
// started it) killed by PID at the end, even when the run failed.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './paths.js';
import { descendantsOf } from './proc-stats.js';
import type { ProcessSet } from './process-set.js';
import { killLeftovers } from './tracked-process.js';

const PM2_BIN = `${ROOT}node_modules/pm2/bin/pm2`;
const APP_NAME = 'uwbench-script';

/** PID in PM2_HOME/pm2.pid if it names a live PM2 daemon (never some reused PID), else null. */
function daemonPid(pm2Home: string): number | null {
  try {
    const pid = Number(readFileSync(join(pm2Home, 'pm2.pid'), 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) return null;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('PM2') ? pid : null;
  } catch {
    return null;
  }
}

/** One app in PM2 cluster mode, under a PM2 daemon of its own. */
export class Pm2Cluster {
  private readonly env: NodeJS.ProcessEnv;
  private readonly pm2Home: string;
  /** the daemon's PID, known once `pm2 start` has returned */
  pid = -1;

  private constructor(private readonly processes: ProcessSet, private readonly home: string, port: number) {
    this.pm2Home = join(home, 'pm2');
    this.env = { ...process.env, PM2_HOME: this.pm2Home, PM2_DISABLE_VERSION_CHECK: 'true', PM2_DISCRETE_MODE: 'true', PORT: String(port), HOST: '127.0.0.1' };
  }

  /** `pm2 start SCRIPT -i WORKERS` with PORT=port, HOST=127.0.0.1; the set's stopAll kills it. */
  static async start(processes: ProcessSet, script: string, workers: number, port: number): Promise<Pm2Cluster> {
    const pm2 = new Pm2Cluster(processes, mkdtempSync(join(tmpdir(), 'uwbench-pm2-')), port);
    processes.onStop(() => pm2.kill());
    await pm2.run(['start', script, '-i', String(workers), '--name', APP_NAME], 30_000);
    const pid = daemonPid(pm2.pm2Home);
    if (pid === null) throw new Error(`pm2 start: no PM2 daemon PID in ${pm2.pm2Home}/pm2.pid`);
    pm2.pid = pid;
    return pm2;
  }

  /** `pm2 reload`: PM2's graceful reload (a new worker, then the old one gets SIGINT, SIGKILL after 1.6 s). */
  reload(): Promise<void> {
    return this.run(['reload', APP_NAME], 60_000);
  }

  /** `pm2 kill`; then SIGKILL to the daemon and every process under it still alive; then remove PM2_HOME. */
  async kill(): Promise<void> {
    const pid = this.pid > 0 ? this.pid : daemonPid(this.pm2Home);
    const tree = pid === null ? [] : [pid, ...descendantsOf(pid)];
    if (pid !== null) await this.run(['kill'], 15_000).catch(() => undefined);
    await killLeftovers(tree);
    rmSync(this.home, { recursive: true, force: true });
  }

  /** One pm2 command, waited for; throws on a non-zero exit or after `timeoutMs`. */
  private async run(args: readonly string[], timeoutMs: number): Promise<void> {
    const cli = this.processes.spawn(`pm2 ${args[0] ?? ''}`, process.execPath, [PM2_BIN, ...args], { env: this.env });
    const timer = setTimeout(() => cli.signal('SIGKILL'), timeoutMs);
    const exit = await cli.exited;
    clearTimeout(timer);
    if (exit.code !== 0) throw new Error(`pm2 ${args.join(' ')} exited with ${exit.code ?? exit.signal}: ${[...cli.stderr, ...cli.lines.map((l) => l.raw ?? '')].slice(-4).join(' | ')}`);
  }
}
