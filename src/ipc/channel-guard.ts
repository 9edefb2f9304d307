// Node's IPC channel trusts the process at its other end: a line that is not
// JSON throws out of the channel's read callback (an uncaught exception), an
// internal message out of protocol (NODE_HANDLE without a descriptor, an
// unexpected NODE_HANDLE_ACK) fails one of Node's own assertions, and a message
// that never ends grows the receiver's buffer without bound. Each of those
// would take down the emperor, which may be root, from a master running as an
// app's user. This guard sits on one ChildProcess's channel and turns them
// into reports: the read is caught, internal messages are checked before Node's
// own handlers see them, and an unfinished message over the limit is reported.
// A descriptor that came with a line other than NODE_HANDLE would be dropped by
// Node without a close (one leaked descriptor per message): the guard closes
// every received descriptor that no internal message claimed. Node stops at
// the first junk line of a read: the valid lines after it are delivered by the
// guard (channel-salvage.ts), so junk cannot hide a message sent with it.
// It reaches into Node's internals (the channel handle and its JSON buffer,
// found by symbol description); where they are not found only the internal
// message check applies, and guardChannel says so.
import type { ChildProcess } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { isInternalMessage, salvageRead, type Salvage } from './channel-salvage.js';

/** Longer than any message a master sends (a statistics document of 2 x 1024 workers is ~1.5 MB). */
export const MAX_MESSAGE_CHARS = 16 * 1024 * 1024;

/** What the guard reports. */
export interface ChannelGuardEvents {
  /** a line that is not JSON, or an internal message out of protocol: dropped */
  readonly onInvalid: (why: string) => void;
  /** an unfinished message is longer than the limit: its start was dropped; the sender is broken or hostile */
  readonly onOversize: (chars: number) => void;
}

type Emit = (event: string | symbol, ...args: unknown[]) => boolean;

function symbolOf(object: object, description: string): symbol | undefined {
  return Object.getOwnPropertySymbols(object).find((symbol) => symbol.description === description);
}

/** Guard `child`'s IPC channel; false when Node's channel internals were not found (only internal messages are checked then). */
export function guardChannel(child: ChildProcess, events: ChannelGuardEvents, maxChars = MAX_MESSAGE_CHARS): boolean {
  const claimed = new WeakSet<object>();
  guardInternalMessages(child, events.onInvalid, claimed);
  const handleKey = symbolOf(child, 'kChannelHandle');
  const pipe = handleKey === undefined ? undefined : (child as unknown as Record<symbol, ChannelPipe | undefined>)[handleKey];
  if (pipe === undefined || typeof pipe.onread !== 'function') return false;
  const bufferKey = symbolOf(pipe, 'kJSONBuffer');
  const buffer = pipe as unknown as Record<symbol, unknown>;
  const decoder = keepDecoded(pipe);
  const read = pipe.onread as (...args: unknown[]) => unknown;
  pipe.onread = (...args: unknown[]): unknown => {
    // libuv sets the descriptor received with this chunk before the read; Node emits its messages on nextTick
    const received = pipe.pendingHandle;
    if (received != null) setImmediate(closeUnclaimed, received, claimed);
    const buffered = bufferKey === undefined ? undefined : buffer[bufferKey];
    let result: unknown;
    try {
      result = read.apply(pipe, args);
    } catch (err) {
      const why = err instanceof SyntaxError ? 'a line that is not JSON' : `unreadable (${(err as Error).name})`;
      if (decoder === undefined || bufferKey === undefined || typeof buffered !== 'string') {
        // Node stopped before it kept the read's unfinished line: start again at the next line
        if (bufferKey !== undefined) buffer[bufferKey] = '';
        events.onInvalid(why);
      } else {
        const salvage = salvageRead(buffered, decoder.decoded);
        buffer[bufferKey] = salvage.tail;
        pipe.buffering = salvage.tail.length !== 0;
        events.onInvalid(why);
        for (let more = 1; more < salvage.junk; more++) events.onInvalid('a line that is not JSON');
        redeliver(child, salvage, received ?? null);
      }
    } finally {
      if (decoder !== undefined) decoder.decoded = '';
    }
    const pending = bufferKey === undefined ? undefined : buffer[bufferKey];
    if (typeof pending === 'string' && pending.length > maxChars) {
      buffer[bufferKey as symbol] = '';
      events.onOversize(pending.length);
    }
    return result;
  };
  return bufferKey !== undefined;
}

/** The channel's handle as Node 20's setupChannel uses it. */
interface ChannelPipe {
  onread?: unknown;
  buffering?: boolean;
  readonly pendingHandle?: { close?: () => void } | null;
}

/** Node's decoder for the channel, keeping the text of the current read (Node creates its own on the first read unless one is there). */
class KeptDecoder extends StringDecoder {
  decoded = '';

  override write(bytes: Buffer | NodeJS.ArrayBufferView): string {
    this.decoded = super.write(bytes);
    return this.decoded;
  }
}

function keepDecoded(pipe: ChannelPipe): KeptDecoder | undefined {
  const key = symbolOf(pipe, 'kStringDecoder');
  const slots = pipe as unknown as Record<symbol, unknown>;
  if (key === undefined || slots[key] !== undefined) return undefined;
  const decoder = new KeptDecoder('utf8');
  slots[key] = decoder;
  return decoder;
}

/** The messages Node dropped with a junk line, emitted as Node does (on nextTick, after those it delivered). */
function redeliver(child: ChildProcess, salvage: Salvage, received: object | null): void {
  let handle = salvage.handleTaken ? null : received;
  for (const message of salvage.messages) {
    const internal = isInternalMessage(message);
    const given = internal && message.cmd === 'NODE_HANDLE' ? handle : null;
    if (given !== null) handle = null;
    process.nextTick(() => {
      if (child.channel != null) child.emit(internal ? 'internalMessage' : 'message', message, given ?? undefined);
    });
  }
}

/** A received descriptor no NODE_HANDLE message carried on is closed (Node would drop it open). */
function closeUnclaimed(handle: { close?: () => void }, claimed: WeakSet<object>): void {
  if (!claimed.has(handle)) handle.close?.();
}

/** Node emits internal messages on the ChildProcess itself: those out of protocol never reach Node's own handlers. */
function guardInternalMessages(child: ChildProcess, onInvalid: (why: string) => void, claimed: WeakSet<object>): void {
  const emit = child.emit.bind(child) as Emit;
  (child as { emit: Emit }).emit = (event, ...args) => {
    if (event !== 'internalMessage') return emit(event, ...args);
    // a handle given to an internal message is Node's to deliver (or closed below): not ours to close
    if (typeof args[1] === 'object' && args[1] !== null) claimed.add(args[1]);
    const why = internalViolation(child, args[0], args[1]);
    if (why === null) return emit(event, ...args);
    (args[1] as { close?: () => void } | null | undefined)?.close?.();
    onInvalid(why);
    return false;
  };
}

/** Why an internal (NODE_*) message breaks Node's handle protocol, or null when Node may handle it. */
function internalViolation(child: ChildProcess, message: unknown, handle: unknown): string | null {
  const cmd = (message as { cmd?: unknown } | null)?.cmd;
  if (cmd === 'NODE_HANDLE') {
    const { type, msg } = message as { type?: unknown; msg?: unknown };
    // a master sends bare listening sockets only (master-socket), never a net.Server or a Socket
    return handle != null && type === 'net.Native' && typeof msg === 'object' && msg !== null ? null : 'a NODE_HANDLE message without a bare socket';
  }
  // an acknowledgement answers a descriptor we sent: only while one is on its way
  if (cmd === 'NODE_HANDLE_ACK' || cmd === 'NODE_HANDLE_NACK') return Array.isArray((child as { _handleQueue?: unknown })._handleQueue) ? null : `an unexpected ${cmd}`;
  return `an internal message nobody sends here (${String(cmd).slice(0, 40)})`;
}
