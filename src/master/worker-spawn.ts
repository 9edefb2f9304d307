// How a worker process is started, per kind: a module worker is our own entry
// with an IPC channel; an exec worker is any program, run through /bin/sh so
// that LISTEN_PID can be its own PID (exec keeps the PID), with a notify pipe.
import type { StdioOptions } from 'node:child_process';
import type { VassalConfig } from '../config/vassal-config.js';
import { restoreCaCerts } from '../process/ca-certs-env.js';
import { restoreThreadPool, workerNodeFlags } from '../process/thread-pools.js';
import { spawnProcess, type ChildProcess } from '../process/spawn.js';
import { portOfWhere } from '../config/addresses.js';
import { fdNames, type HeldSocket } from './sockets.js';
import { acceptBoardFd, BOARD_SLOTS } from './accept-board.js';
import { WORKER_ENTRY } from '../process/worker-entry.js';

const SCRIPT_PRELOAD = new URL('../worker/script-preload.js', import.meta.url).href;
const FIRST_LISTEN_FD = 3;
/** stderr comes through the master (see stderr-tail.ts), which keeps its tail for failure reports */
const STDERR = 'pipe';
/** stdout too: each line becomes a log record of the worker (worker-output.ts) */
const STDOUT = 'pipe';

export interface SpawnedWorker {
  readonly child: ChildProcess;
  /** stdio index of the IPC channel (module) or notify pipe (exec), if any */
  readonly channelFd: number | null;
}

/** Start worker `id` of `config` on the held sockets; `beside`: it boots while others serve (a reload, a chain, a recycle). */
export function spawnWorker(config: VassalConfig, sockets: readonly HeldSocket[], id: number, beside = false): SpawnedWorker {
  const fds = sockets.map((socket) => socket.raw.fd);
  const channelFd = FIRST_LISTEN_FD + fds.length;
  const env: NodeJS.ProcessEnv = {
    ...restoreThreadPool(restoreCaCerts(process.env)),
    ...config.env,
    LISTEN_FDS: String(fds.length),
    LISTEN_FDNAMES: fdNames(sockets),
    UW_VASSAL: config.name,
    UW_WORKER_ID: String(id),
  };
  // LISTEN_PID from our own parent would be wrong for this child
  delete env.LISTEN_PID;
  // uid/gid only take effect for a master started as root (as in uWSGI)
  const root = process.getuid?.() === 0;
  const ids = root ? { uid: config.uid, gid: config.gid, initGroups: config.initGroups } : {};
  const base = { env, cwd: config.chdir, ...ids, dieWithParent: true, ownProcessGroup: true };
  const app = config.app;
  if (app.kind === 'script') {
    env.UW_SOCKET_WHERE = JSON.stringify(sockets.map((socket) => socket.where));
    env.UW_LISTEN_BACKLOG = String(config.listenBacklog);
    env.UW_BUFFER_SIZE = String(config.uwsgi.bufferSize);
    env.UW_PACKET_TIMEOUT_MS = String(config.uwsgi.packetTimeoutMs);
    if (app.readyAfterMs !== null) env.UW_SCRIPT_READY_AFTER_MS = String(app.readyAfterMs);
    // for apps that listen(process.env.PORT || 3000); the vassal's own env = PORT=... wins
    const port = sockets.map((socket) => portOfWhere(socket.where)).find((each) => each !== null);
    if (port != null && config.env.PORT === undefined) env.PORT = String(port);
    const stdio: StdioOptions = ['ignore', STDOUT, STDERR, ...fds, 'ipc'];
    const args = [...workerNodeFlags(config.nodeDefaultThreads, app.nodeArgs), ...app.nodeArgs, `--import=${SCRIPT_PRELOAD}`, app.path, ...app.args];
    return { child: spawnProcess({ ...base, command: process.execPath, args, stdio }), channelFd };
  }
  if (app.kind === 'module') {
    env.UW_APP_MODULE = app.path;
    env.UW_APP_EXPORT = app.exportName;
    env.UW_LISTEN_BACKLOG = String(config.listenBacklog);
    env.UW_BUFFER_SIZE = String(config.uwsgi.bufferSize);
    env.UW_PACKET_TIMEOUT_MS = String(config.uwsgi.packetTimeoutMs);
    // it will take over traffic from warm workers: warm Node's HTTP paths first (http-warmup.ts)
    if (beside && config.reloadWarmup > 0) env.UW_HTTP_WARMUP = String(config.reloadWarmup);
    else delete env.UW_HTTP_WARMUP;
    // two or more workers balance their accepting through the master's board, the descriptor after the channel
    const board = config.processes > 1 && id <= BOARD_SLOTS ? acceptBoardFd() : null;
    if (board !== null) {
      env.UW_ACCEPT_BOARD_FD = String(channelFd + 1);
      env.UW_ACCEPT_SLOTS = String(Math.min(config.processes, BOARD_SLOTS));
    }
    const stdio: StdioOptions = ['ignore', STDOUT, STDERR, ...fds, 'ipc', ...(board === null ? [] : [board])];
    // the extra argument leaves room in argv for the process title naming the vassal
    const args = [...workerNodeFlags(config.nodeDefaultThreads), WORKER_ENTRY, `--vassal=${config.name}`, `--worker=${id}`];
    return { child: spawnProcess({ ...base, command: process.execPath, args, stdio }), channelFd };
  }
  if (app.notify) env.NOTIFY_FD = String(channelFd);
  const stdio: StdioOptions = ['ignore', STDOUT, STDERR, ...fds, app.notify ? 'pipe' : 'ignore'];
  // setpriv has set the parent-death signal by now; if this master died before that, the
  // parent is no longer us and nothing would ever stop the worker: it leaves at once
  const script = `[ "$PPID" = ${process.pid} ] || exit 1; LISTEN_PID=$$; export LISTEN_PID; exec ${app.command}`;
  return { child: spawnProcess({ ...base, command: '/bin/sh', args: ['-c', script], stdio }), channelFd: app.notify ? channelFd : null };
}
