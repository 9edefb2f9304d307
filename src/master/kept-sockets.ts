// The master's side of the emperor's socket copies (emperor/socket-keeper.ts):
// a master under an emperor sends every socket it binds over its IPC channel,
// and a master starting after a crash asks for the copies first and takes them
// instead of binding, so the port (even a :0 one) and the UNIX socket file stay
// the same and the connections that waited in the backlog are served.
import { lstatSync } from 'node:fs';
import type { SocketSpec } from '../config/vassal-config.js';
import { KEEPER_ENV, type EmperorToMaster, type KeptSocketInfo, type MasterToEmperor } from '../ipc/protocol.js';
import type { Logger } from '../log/logger.js';
import { adoptListening } from './raw-socket.js';
import type { HeldSocket } from './sockets.js';

/** An emperor answers at once; a master never waits longer than this before binding. */
const ANSWER_MS = 3_000;
/** read once: the variable is removed from the environment workers inherit */
const UNDER_KEEPER = process.env[KEEPER_ENV] === '1';

/** A copy the emperor gave back, by key, until the master takes or closes it. */
export type KeptCopies = Map<string, { readonly info: KeptSocketInfo; readonly handle: object }>;

/** A socket's identity between masters: its address as configured (a :0 port stays 0 here). */
export function socketKey(spec: SocketSpec): string {
  return spec.address.type === 'unix' ? `unix:${spec.address.path}` : `tcp:${spec.address.host}:${spec.address.port}`;
}

function closeHandle(handle: unknown): void {
  (handle as { close?: () => void } | null)?.close?.();
}

/** Ask the emperor for the copies it kept; empty without an emperor, or when no answer came in time. */
export function requestKeptSockets(log: Logger): Promise<KeptCopies> {
  const copies: KeptCopies = new Map();
  delete process.env[KEEPER_ENV]; // workers need not see it
  if (!UNDER_KEEPER || !process.connected || process.send === undefined) return Promise.resolve(copies);
  return new Promise((resolve) => {
    let expected: readonly string[] | null = null;
    const finish = (): void => {
      clearTimeout(timer);
      process.off('message', onMessage);
      process.off('disconnect', finish);
      resolve(copies);
    };
    const onMessage = (message: EmperorToMaster, handle: unknown): void => {
      if (message?.type === 'kept-sockets' && Array.isArray(message.keys)) expected = message.keys;
      else if (message?.type === 'kept-socket' && typeof message.key === 'string' && typeof handle === 'object' && handle !== null) {
        closeHandle(copies.get(message.key)?.handle);
        copies.set(message.key, { info: message, handle });
      } else return;
      if (expected !== null && expected.every((key) => copies.has(key))) finish();
    };
    const timer = setTimeout(() => {
      log.warn({ received: copies.size, expected: expected?.length ?? null }, 'the emperor did not give its socket copies in time, binding');
      finish();
    }, ANSWER_MS);
    process.on('message', onMessage);
    process.once('disconnect', finish);
    tellEmperor({ type: 'kept-sockets-request' });
  });
}

/**
 * The emperor's copy for `spec`, listening again with `backlog`, or null (bind
 * it then). A UNIX copy is taken only while its file is still the one bound:
 * a removed or replaced file means clients can no longer reach the copy.
 */
export function takeKept(copies: KeptCopies, spec: SocketSpec, backlog: number, log: Logger): HeldSocket | null {
  const key = socketKey(spec);
  const copy = copies.get(key);
  if (copy === undefined) return null;
  copies.delete(key);
  try {
    if (spec.address.type === 'unix') {
      const now = lstatSync(spec.address.path, { throwIfNoEntry: false });
      const file = copy.info.file;
      if (file === undefined || now === undefined || !now.isSocket() || now.dev !== file.dev || now.ino !== file.ino) throw new Error('its socket file was removed or replaced');
      return { spec, raw: adoptListening(copy.handle, backlog), where: spec.address.path, file, kept: true };
    }
    const raw = adoptListening(copy.handle, backlog);
    const host = raw.address ?? spec.address.host;
    return { spec, raw, where: `${host.includes(':') ? `[${host}]` : host}:${raw.port ?? spec.address.port}`, kept: true };
  } catch (err) {
    closeHandle(copy.handle);
    log.warn({ key, reason: (err as Error).message }, 'socket copy not taken, binding');
    return null;
  }
}

/** Close the copies no configured socket took (the config changed while no master ran). */
export function closeUnusedKept(copies: KeptCopies): void {
  for (const { handle } of copies.values()) closeHandle(handle);
  copies.clear();
}

/** Send the emperor a copy of each socket it has not seen, then the keys of all that are served now. */
export function announceSockets(sockets: readonly HeldSocket[], sent: WeakSet<HeldSocket>): void {
  if (!UNDER_KEEPER || !process.connected) return;
  for (const socket of sockets) {
    if (sent.has(socket) || socket.kept === true || socket.from !== undefined || socket.raw.handle === undefined) continue;
    sent.add(socket);
    const message: MasterToEmperor = { type: 'master-socket', key: socketKey(socket.spec), ...(socket.file !== undefined && { file: socket.file }) };
    // a raw libuv handle travels as Node's "net.Native": the emperor gets a bare descriptor, never a server
    process.send?.(message, socket.raw.handle as never, undefined, () => undefined);
  }
  tellEmperor({ type: 'master-sockets', keys: sockets.filter((socket) => socket.from === undefined).map((socket) => socketKey(socket.spec)) });
}

function tellEmperor(message: MasterToEmperor): void {
  if (process.connected) process.send?.(message, undefined, undefined, () => undefined);
}
