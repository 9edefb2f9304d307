// The tiny node:cluster primary a user writes to run an unmodified server
// script on N workers: argv[2] the script, argv[3] the number of workers
// (default 2). Round-robin, Node's default: the primary accepts every connection
// and passes it on. The workers get PORT=0 (they share the one port the primary
// binds) and HOST=127.0.0.1. Prints {"msg":"listening","port":N} once all listen.
import cluster from 'node:cluster';

const script = process.argv[2];
const workers = Number(process.argv[3] ?? 2);
if (script === undefined) throw new Error('usage: script-cluster.js SCRIPT [WORKERS]');
cluster.setupPrimary({ exec: script, args: [] });
let listening = 0;
cluster.on('listening', (_worker, address) => {
  listening += 1;
  if (listening === workers) console.log(JSON.stringify({ msg: 'listening', port: address.port }));
});
for (let i = 0; i < workers; i++) cluster.fork({ PORT: '0', HOST: '127.0.0.1' });
process.on('SIGINT', () => {
  for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
  process.exit(0);
});
