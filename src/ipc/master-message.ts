// Every message a master sends the emperor, checked field by field before the
// emperor uses it (types, bounds, lengths, counts; see shape.ts). In tyrant mode
// a master runs as an app's user, who may ptrace it or replace it: the emperor,
// often root, must not trust a field, crash on a wrong one, or keep an unbounded
// one. The table has an entry for every message type, which the compiler checks.
import type { MasterToEmperor } from './protocol.js';
import { masterStatsShape } from './master-stats-shape.js';
import { amount, clipped, count, flag, listOf, numberIn, oneOf, optional, record, ShapeError, text, type Shape } from './shape.js';

/** Longest free text kept from a master (an error, a failed reload's reason). */
export const MAX_MASTER_TEXT = 8192;
/** Longest kept-socket key (see master/kept-sockets.ts) */
const MAX_KEY = 512;
/** A delay the emperor arms a timer with: Node's timers take at most 2^31 - 1 ms. */
const delay = numberIn(0, 2 ** 31 - 1);
const generation = count;
const message = clipped(MAX_MASTER_TEXT);
const nothing = record({});

const SHAPES: { readonly [T in MasterToEmperor['type']]: Shape<Record<string, unknown>> } = {
  'master-started': record({ pid: count, reloadMercyMs: delay }),
  // fields the emperor does not read may be absent, but are checked when present
  'master-ready': record({ pid: optional(count), generation: optional(generation) }),
  'master-reloading': record({ generation }),
  'master-reloaded': record({ generation, ok: flag, durationMs: amount, reason: optional(message), reloadMercyMs: optional(delay) }),
  'master-error': record({ code: text(64), message }),
  'workers-failing': record({ error: message, failures: amount, retryInMs: amount }),
  'workers-recovered': record({ generation }),
  'master-paused': nothing,
  'master-resumed': nothing,
  'master-stats': record({ id: count, stats: masterStatsShape }),
  'master-sos': record({ reason: oneOf('busy', 'backlog', 'fifo'), busyMs: optional(amount), backlog: optional(amount) }),
  'master-rescan': nothing,
  'master-idle': record({ idleMs: optional(amount) }),
  // everyMs x 4 is the emperor's kill deadline: a timer too
  'master-heartbeat': record({ everyMs: numberIn(0, Math.floor((2 ** 31 - 1) / 4)) }),
  'master-socket': record({ key: text(MAX_KEY), file: optional(record({ dev: count, ino: count })) }),
  'master-sockets': record({ keys: listOf(text(MAX_KEY), 256) }),
  'kept-sockets-request': nothing,
};

/** A message as the emperor may use it, or why it is refused (one line, without the message's content). */
export type CheckedMessage = { readonly ok: true; readonly message: MasterToEmperor } | { readonly ok: false; readonly why: string };

/** Check one message from a master; never throws. */
export function checkMasterMessage(value: unknown): CheckedMessage {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, why: 'not an object' };
  const type: unknown = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !Object.hasOwn(SHAPES, type)) return { ok: false, why: typeof type === 'string' ? `unknown type "${type.slice(0, 40)}"` : 'no type' };
  try {
    const fields = SHAPES[type as MasterToEmperor['type']](value, type);
    return { ok: true, message: { ...fields, type } as MasterToEmperor };
  } catch (err) {
    if (err instanceof ShapeError) return { ok: false, why: err.message };
    throw err;
  }
}
