// Throwaway child that puts inherited sockets into the listening state and exits.
//
// A worker in another language expects an already-listening descriptor (as under
// systemd), but in Node listen() also starts accepting. Here listen(2) runs and
// the process exits in the same tick, before libuv polls the socket even once,
// so no connection is ever accepted by anyone but the workers.
// It also makes the socket blocking again, as systemd hands sockets over: libuv
// set O_NONBLOCK on it in the master, the flag lives in the file description
// shared with every worker, and a program doing a plain accept() on fd 3 would
// get EAGAIN whenever no connection is waiting.
// argv: <backlog> <kind>... where kind is "tcp" or "unix", for fds 3, 4, ...

interface ListenHandle {
  open(fd: number): number;
  listen(backlog: number): number;
  setBlocking(blocking: boolean): number;
}
type Wrap = { [name: string]: unknown; constants: { SOCKET: number } };

const binding = (name: string): Wrap => (process as unknown as { binding(name: string): Wrap }).binding(name);
const [backlogArg, ...kinds] = process.argv.slice(2);
const backlog = Number(backlogArg);
let failed = 0;
kinds.forEach((kind, index) => {
  const wrap = binding(kind === 'unix' ? 'pipe_wrap' : 'tcp_wrap');
  const Handle = wrap[kind === 'unix' ? 'Pipe' : 'TCP'] as new (type: number) => ListenHandle;
  const handle = new Handle(wrap.constants.SOCKET);
  const err = handle.open(3 + index) || handle.listen(backlog) || handle.setBlocking(true);
  if (err !== 0) {
    process.stderr.write(`listen on fd ${3 + index} failed: ${err}\n`);
    failed = err;
  }
});
process.exit(failed === 0 ? 0 : 1);
