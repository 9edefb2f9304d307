// Entry of a module worker: take the inherited listening sockets (LISTEN_FDS,
// from fd 3), load the app, serve, tell the master it is ready, drain on request.
// It never binds anything itself and exits when the master goes away.
import type { Server } from 'node:http';
import type { Server as NetServer } from 'node:net';
import { appErrorLine } from '../ipc/protocol.js';
import { balanceFromEnv } from './accept-balance.js';
import { describeAppError } from './app-error.js';
import { Drainer } from './drain.js';
import { loadApp } from './load-app.js';
import { moduleServer, type ModuleServerContext } from './module-server.js';
import { warmHttp } from './http-warmup.js';
import { RequestCounter } from './request-counter.js';
import { serve } from './serve.js';
import { DEFAULT_BUFFER_SIZE, DEFAULT_PACKET_TIMEOUT_MS } from './uwsgi-server.js';
import { controlWorker, sendToMaster } from './worker-control.js';

const FIRST_LISTEN_FD = 3;

/** Listen on an inherited descriptor; resolves once listening. */
function listenOnFd(server: Server | NetServer, fd: number, backlog: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ fd, backlog }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function main(): Promise<void> {
  // the master is gone (even SIGKILLed): a worker never outlives it. Watched first thing:
  // a master that died while this worker started (before setpriv set the parent-death
  // signal) leaves only a closed channel, and a 'disconnect' before the listener is missed
  process.on('disconnect', () => process.exit(0));
  if (!process.connected) process.exit(0);
  const env = process.env;
  process.title = `uw worker ${env.UW_WORKER_ID ?? '?'} (${env.UW_VASSAL ?? '?'})`;
  const protocols = (env.LISTEN_FDNAMES ?? '').split(':').filter(Boolean);
  const backlog = Number(env.UW_LISTEN_BACKLOG ?? 511);
  const modulePath = env.UW_APP_MODULE ?? '';
  const exportName = env.UW_APP_EXPORT ?? 'default';
  const app = await loadApp(modulePath, exportName);
  const counter = new RequestCounter();
  const drainer = new Drainer(() => counter.responses());
  const servers: (Server | NetServer)[] = [];

  const prefix = `uw worker ${env.UW_WORKER_ID ?? '?'} (${env.UW_VASSAL ?? '?'})`;
  const context: ModuleServerContext = {
    app,
    modulePath,
    vassal: env.UW_VASSAL ?? 'this vassal',
    names: protocols,
    uwsgi: { bufferSize: Number(env.UW_BUFFER_SIZE ?? DEFAULT_BUFFER_SIZE), packetTimeoutMs: Number(env.UW_PACKET_TIMEOUT_MS ?? DEFAULT_PACKET_TIMEOUT_MS) },
    request: (req, res) => {
      drainer.track(res);
      counter.track(req, res);
      // checked by moduleServer: a socket that serves requests has a handler
      if (app.handler !== undefined) serve(app.handler, req, res, counter);
    },
    malformed: () => counter.protocolError(),
    prefix,
  };
  // booting beside serving workers: the first requests it takes should not pay V8's compile of the HTTP paths
  const warmup = Number(env.UW_HTTP_WARMUP ?? 0);
  if (warmup > 0 && protocols.some((protocol) => protocol !== 'raw-socket')) await warmHttp(warmup);
  for (const [index, protocol] of protocols.entries()) {
    const server = moduleServer(protocol, context);
    // a connection that never sent a byte is closed on a stop (raw connections are the module's own)
    if (protocol !== 'raw-socket') drainer.watch(server);
    servers.push(server);
    await listenOnFd(server, FIRST_LISTEN_FD + index, backlog);
  }

  // spread connections over the siblings (a master with one worker passes no board)
  balanceFromEnv(env, servers);
  controlWorker({ servers: () => servers, drainer, counter });
  sendToMaster({ type: 'ready' });
}

main().catch((err: unknown) => {
  const error = describeAppError(err, process.env.UW_APP_MODULE ?? '');
  sendToMaster({ type: 'app-error', ...error });
  process.stderr.write(`uw worker ${process.env.UW_WORKER_ID ?? '?'}: ${appErrorLine(error)}\n${error.stack ?? ''}\n`);
  // let the IPC message flush before exiting
  setImmediate(() => process.exit(1));
});
