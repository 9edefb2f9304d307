// Passing listening descriptors between processes in uWSGI's zerg wire format:
// one message of 14 data bytes (`uwsgi-zerg` + a native int32 N) carrying all N
// descriptors in a single SCM_RIGHTS control message. Node has no public API for
// SCM_RIGHTS on an arbitrary UNIX socket; this is the only module that touches
// what stands in for one, and it picks a different tool per direction:
//
// - Receiving (a zerg): Node's own IPC-type Pipe from process.binding('pipe_wrap'),
//   the one child_process uses. It connects to the zerg server itself (so one handle
//   owns the descriptor), reads with a 1-byte user buffer because Node hands JS one
//   pendingHandle per read callback (a normal buffer would lose every descriptor but
//   the first), and so takes up to 14 descriptors per message. No extra process:
//   a zerg's start time matters (Broodlord starts them under load).
// - Sending (a zerg server): a short python3 helper (`socket.send_fds`, Python >= 3.9; the system's)
//   per attaching client. libuv writes one descriptor per sendmsg, while a uWSGI zerg
//   reads ONE message and only its first control message, so a master with two
//   sockets cannot be served through the IPC pipe; and an accepted pipe is not of
//   the IPC type, so reopening its descriptor in a second handle would leave two
//   owners of one fd (a double close or a leak). python3 is needed only by masters
//   with `zerg-server`; one without it fails at start naming what is missing.
//
// Received descriptors are left as they arrive (O_NONBLOCK is shared by every holder);
// the caller sets the flag its workers need.
import { join } from 'node:path';
import { getSystemErrorName } from 'node:util';
import { isExecutable, spawnProcess } from './spawn.js';
import { unixPathOf } from './unix-socket-path.js';
import { MESSAGE_BYTES, parseZergMessage, zergMessage } from './zerg-message.js';

/** the most descriptors one message can bring: one per data byte (see above) */
export const MAX_RECEIVED = MESSAGE_BYTES;
const PYTHON = 'python3';
/**
 * The system's python3 first: a version manager's shim first on PATH (pyenv's is a
 * bash script) costs ten times the interpreter's own start, seconds on a loaded
 * machine, and the helper needs nothing but the standard library.
 */
const SYSTEM_PYTHON = '/usr/bin/python3';
const SEND_LIMIT_MS = 10_000;
/** Test seam: `UW_FD_PASSING=unavailable` makes both directions report the mechanism missing. */
const SEAM = 'UW_FD_PASSING';

/** A descriptor received from a zerg server: a listening socket this process now holds. */
export interface ReceivedSocket {
  readonly fd: number;
  readonly family: 'tcp' | 'unix';
  /** TCP: the bound address; UNIX: the bound path when /proc tells it */
  readonly address?: { readonly host: string; readonly port: number } | { readonly path: string };
  setBlocking(blocking: boolean): void;
  close(): Promise<void>;
}

interface UvHandle {
  readonly fd: number;
  setBlocking(blocking: boolean): number;
  close(callback?: () => void): void;
}
interface IpcPipe extends UvHandle {
  connect(req: object, path: string): number;
  useUserBuffer(buffer: Uint8Array): void;
  readStart(): number;
  onread: () => void;
  pendingHandle?: (UvHandle & { getsockname?(out: { address?: string; port?: number }): number }) | null;
}
interface PipeWrap {
  Pipe: new (type: number) => IpcPipe;
  PipeConnectWrap: new () => { oncomplete?: (status: number) => void };
  constants: { IPC: number };
}
interface StreamWrap {
  streamBaseState: Int32Array;
  kReadBytesOrError: number;
}

const binding = (name: string): unknown => (process as unknown as { binding(name: string): unknown }).binding(name);

/** Why receiving cannot work in this Node, or null: checked before a zerg starts. */
export function receiveProblem(): string | null {
  if (process.env[SEAM] === 'unavailable') return `descriptor passing disabled by ${SEAM}=unavailable`;
  try {
    const pipe = binding('pipe_wrap') as Partial<PipeWrap>;
    const stream = binding('stream_wrap') as Partial<StreamWrap>;
    // the TCP and UDP constructors must exist before a received handle is wrapped
    binding('tcp_wrap');
    const ok = typeof pipe.Pipe === 'function' && typeof pipe.PipeConnectWrap === 'function' && typeof pipe.constants?.IPC === 'number' &&
      typeof (pipe.Pipe.prototype as Partial<IpcPipe>).useUserBuffer === 'function' && stream.streamBaseState instanceof Int32Array && typeof stream.kReadBytesOrError === 'number';
    return ok ? null : `Node ${process.version} lacks the IPC pipe internals (pipe_wrap.Pipe IPC, useUserBuffer, streamBaseState) this uw release receives descriptors with`;
  } catch (err) {
    return `Node ${process.version} refuses process.binding (${(err as Error).message})`;
  }
}

/**
 * Why sending cannot work on this machine, or null: checked before a zerg server
 * starts. Only a PATH lookup (running python3 costs a master start a tenth of a
 * second or more); a python3 older than 3.9 is named by the helper when it runs.
 */
export function sendProblem(): string | null {
  if (process.env[SEAM] === 'unavailable') return `descriptor passing disabled by ${SEAM}=unavailable`;
  return pythonPath() !== undefined ? null : `${PYTHON} (3.9 or later) is neither ${SYSTEM_PYTHON} nor on PATH: it sends the descriptors (socket.send_fds)`;
}

/** The python3 the helper runs: the system's, else the first on PATH. */
function pythonPath(): string | undefined {
  if (isExecutable(SYSTEM_PYTHON)) return SYSTEM_PYTHON;
  return (process.env.PATH ?? '').split(':').filter((dir) => dir !== '').map((dir) => join(dir, PYTHON)).find(isExecutable);
}

const SEND_SCRIPT = [
  'import socket, sys',
  'hasattr(socket, "send_fds") or sys.exit("python3 3.9 or later is needed (socket.send_fds)")',
  'n = int(sys.argv[1])',
  's = socket.socket(fileno=3)',
  'socket.send_fds(s, [bytes.fromhex(sys.argv[2])], list(range(4, 4 + n)))',
  's.close()',
].join('\n');

/**
 * Send `fds` to the client connected on `connectionFd` in one message, through the
 * python3 helper (it inherits the connection and the listeners and exits). The
 * caller may close its own copy of the connection once this returns.
 */
export function sendDescriptors(connectionFd: number, fds: readonly number[]): Promise<void> {
  const child = spawnProcess({
    command: pythonPath() ?? PYTHON,
    // isolated (no PYTHON* variables, no user site) and without site: the quickest start
    args: ['-I', '-S', '-c', SEND_SCRIPT, String(fds.length), zergMessage(fds.length).toString('hex')],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    stdio: ['ignore', 'ignore', 'pipe', connectionFd, ...fds],
    dieWithParent: true,
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-500)));
  // 14 bytes never block a stream socket: a helper still running after this long is stuck
  const limit = setTimeout(() => child.kill('SIGKILL'), SEND_LIMIT_MS);
  return new Promise((resolve, reject) => {
    child.once('error', (err) => {
      clearTimeout(limit);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(limit);
      if (code === 0) resolve();
      else reject(new Error(`${PYTHON} helper failed (${signal ?? `exit ${code}`}): ${stderr.trim().split('\n').pop() ?? ''}`));
    });
  });
}

/** Connect to a zerg server at `path` and take the listening sockets it sends; rejects with a reason. */
export function receiveDescriptors(path: string, timeoutMs: number): Promise<ReceivedSocket[]> {
  const problem = receiveProblem();
  if (problem !== null) return Promise.reject(new Error(problem));
  const { Pipe, PipeConnectWrap, constants } = binding('pipe_wrap') as PipeWrap;
  const { streamBaseState, kReadBytesOrError } = binding('stream_wrap') as StreamWrap;
  const pipe = new Pipe(constants.IPC);
  const handles: NonNullable<IpcPipe['pendingHandle']>[] = [];
  return new Promise<ReceivedSocket[]>((resolve, reject) => {
    let settled = false;
    const finish = (error: string | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      pipe.close();
      if (error === null) {
        resolve(handles.map(toReceived));
        return;
      }
      for (const handle of handles) handle.close();
      reject(new Error(error));
    };
    const timer = setTimeout(() => finish(`no answer within ${timeoutMs} ms`), timeoutMs);
    const byte = Buffer.alloc(1);
    const data: number[] = [];
    const request = new PipeConnectWrap();
    request.oncomplete = (status) => {
      if (status < 0) return finish(`cannot connect (${getSystemErrorName(status)})`);
      pipe.useUserBuffer(byte);
      pipe.onread = () => {
        const nread = streamBaseState[kReadBytesOrError] ?? -1;
        if (pipe.pendingHandle) handles.push(pipe.pendingHandle);
        pipe.pendingHandle = null;
        if (nread <= 0) return finish(`the connection closed after ${data.length} of ${MESSAGE_BYTES} bytes`);
        data.push(byte[0] ?? 0);
        if (data.length === MESSAGE_BYTES) finish(checkMessage(Buffer.from(data), handles.length));
      };
      const err = pipe.readStart();
      if (err !== 0) finish(`cannot read (${getSystemErrorName(err)})`);
    };
    const err = pipe.connect(request, path);
    if (err !== 0) finish(`cannot connect (${getSystemErrorName(err)})`);
  });
}

function checkMessage(message: Buffer, received: number): string | null {
  const count = parseZergMessage(message);
  if (count === null) return 'it does not speak the zerg protocol (no "uwsgi-zerg" magic)';
  if (count !== received) return `it announced ${count} sockets and sent ${received}${count > MAX_RECEIVED ? ` (at most ${MAX_RECEIVED} can be received)` : ''}`;
  return null;
}

function toReceived(handle: NonNullable<IpcPipe['pendingHandle']>): ReceivedSocket {
  const setBlocking = (blocking: boolean): void => {
    const err = handle.setBlocking(blocking);
    if (err !== 0) throw new Error(`cannot change O_NONBLOCK (${getSystemErrorName(err)})`);
  };
  const close = (): Promise<void> => new Promise((resolve) => handle.close(() => resolve()));
  if (typeof handle.getsockname === 'function') {
    const out: { address?: string; port?: number } = {};
    const ok = handle.getsockname(out) === 0 && out.address !== undefined && out.port !== undefined;
    return { fd: handle.fd, family: 'tcp', ...(ok && { address: { host: out.address ?? '', port: out.port ?? 0 } }), setBlocking, close };
  }
  const path = unixPathOf(handle.fd);
  return { fd: handle.fd, family: 'unix', ...(path !== undefined && { address: { path } }), setBlocking, close };
}
