// node:cluster with N workers (argv[2], default 2) serving the hello handler.
// argv[3] "rr" (the default scheduling: the primary accepts every connection and
// passes it on) or "none" (SCHED_NONE: the workers share the listening socket).
// Prints {"msg":"listening","port":N} once all workers listen.
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import hello from './hello.js';

const workers = Number(process.argv[2] ?? 2);
if (cluster.isPrimary) {
  if (process.argv[3] === 'none') cluster.schedulingPolicy = cluster.SCHED_NONE;
  let listening = 0;
  cluster.on('listening', (_worker, address) => {
    listening += 1;
    if (listening === workers) console.log(JSON.stringify({ msg: 'listening', port: address.port }));
  });
  for (let i = 0; i < workers; i++) cluster.fork();
  process.on('SIGINT', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
    process.exit(0);
  });
} else {
  // every worker gets the same "random" port from the primary
  createServer(hello).listen({ host: '127.0.0.1', port: 0, backlog: 511 });
}
