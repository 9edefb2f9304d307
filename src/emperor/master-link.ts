// Wires one master process to its vassal: IPC messages become vassal events
// through a handler table the compiler checks is complete; a failed spawn and
// the exit are each reported once. A master may run as an app's user (tyrant
// mode): its channel is guarded (ipc/channel-guard.ts), each message is checked
// field by field (ipc/master-message.ts), and the invalid ones are dropped.
// A uWSGI master is wired the same way over its emperor fd (uwsgi-master-link.ts);
// the vassal sees only a MasterLink.
import type { ChildProcess } from 'node:child_process';
import { guardChannel, MAX_MESSAGE_CHARS } from '../ipc/channel-guard.js';
import { checkMasterMessage } from '../ipc/master-message.js';
import { dispatch, type EmperorToMaster, type KeptSocketInfo, type MasterToEmperor, type MessageHandlers, type SosReason } from '../ipc/protocol.js';
import type { MasterStatsDocument } from '../stats/master-document.js';
import type { Logger } from '../log/logger.js';
import { InvalidMessages } from './invalid-messages.js';
import { sendSignal } from '../process/terminate.js';
import { discard } from './socket-keeper.js';
import type { StatsRequests } from './stats-requests.js';
import type { VassalEvent } from './vassal-machine.js';

/** A statistics request's outcome; `counts`: it reached a live master, so an answer or its absence says something about it. */
export interface StatsReply {
  readonly stats: MasterStatsDocument | null;
  readonly counts: boolean;
}

/** One running master, whatever speaks for it: what the vassal asks of it. */
export interface MasterLink {
  readonly child: ChildProcess;
  /** it acknowledges a reload (master-reloading) within SIGHUP_ACK_MS: worth a report when it does not */
  readonly acknowledgesReload: boolean;
  /** a graceful reload: SIGHUP to uw, byte 1 to uWSGI */
  reload(): void;
  /** SIGKILL now */
  kill(): void;
  /** stop within graceMs: ask it (unless it stops by itself), SIGKILL once graceMs ran out; resolves on exit */
  stop(graceMs: number, onEscalate: () => void, ask: boolean): Promise<void>;
  requestStats(timeoutMs: number): Promise<StatsReply>;
  /** false: no way to tell it (no IPC channel, or a master that has no such message) */
  tell(message: EmperorToMaster): boolean;
}

/** How a link stops its master: the emperor's stopMaster (see VassalDeps). */
export type StopMaster = (child: ChildProcess, graceMs: number, onEscalate: () => void, ask?: boolean) => Promise<void>;

/** Where a master's messages and its end are reported. */
export interface MasterLinkCallbacks {
  readonly logger: Logger;
  /** every message about the master's life (ready, reloads, errors, failing workers, pause) */
  readonly onEvent: (event: VassalEvent) => void;
  readonly onStats: (id: number, stats: MasterStatsDocument) => void;
  /** the master's own reload-mercy, when it starts and after each reload */
  readonly onMercy: (mercyMs: number) => void;
  /** the process never started: no exit event will follow */
  readonly onSpawnFailed: (err: Error) => void;
  /** broodlord: the master asks for reinforcements */
  readonly onSos: (reason: SosReason) => void;
  /** the master asks for a rescan of the vassal files (master FIFO `E`) */
  readonly onRescan: () => void;
  /** die-on-idle: the master stops by itself */
  readonly onIdle: () => void;
  readonly onExit: (code: number | null, signal: NodeJS.Signals | null) => void;
  /** the master bound a socket and sent its handle (see socket-keeper.ts) */
  readonly onSocket: (info: KeptSocketInfo, handle: unknown) => void;
  /** the keys of every socket the master serves now */
  readonly onSockets: (keys: readonly string[]) => void;
  /** a starting master asks for the socket copies kept from its predecessor */
  readonly onKeptRequest: () => void;
}

/** After a master's exit, how long its channel's last messages may take to be read before the exit is acted on. */
const CHANNEL_DRAIN_MS = 1_000;

/** A master asks for rescans at most this often: a flood of master-rescan must not pile up directory walks. */
const RESCAN_MIN_MS = 1_000;

/** Listen to `child` (a uw master) until it exits; requests and messages go over its IPC channel. */
export function linkMaster(child: ChildProcess, callbacks: MasterLinkCallbacks, ways: { stats: StatsRequests; stopMaster: StopMaster }): MasterLink {
  const { logger, onEvent } = callbacks;
  const invalid = new InvalidMessages(logger);
  let lastRescan = -Infinity;
  let keptAsked = false;
  const handlers: MessageHandlers<MasterToEmperor> = {
    'master-started': (message) => callbacks.onMercy(message.reloadMercyMs),
    'master-ready': () => onEvent({ type: 'master-ready' }),
    'master-reloading': () => onEvent({ type: 'master-reloading' }),
    'master-reloaded': (message) => {
      if (message.reloadMercyMs !== undefined) callbacks.onMercy(message.reloadMercyMs);
      onEvent({ type: 'master-reloaded', ok: message.ok, reason: message.reason });
    },
    'master-error': (message) => {
      logger.error({ code: message.code, error: message.message }, 'master error');
      onEvent({ type: 'master-error', message: message.message });
    },
    'workers-failing': (message) => {
      logger.debug({ error: message.error, failures: message.failures, retryInMs: message.retryInMs }, 'workers failing');
      onEvent({ type: 'workers-failing', message: message.error });
    },
    'workers-recovered': () => onEvent({ type: 'workers-recovered' }),
    'master-paused': () => onEvent({ type: 'master-paused' }),
    'master-resumed': () => onEvent({ type: 'master-resumed' }),
    'master-stats': (message) => callbacks.onStats(message.id, message.stats),
    'master-sos': (message) => callbacks.onSos(message.reason),
    'master-rescan': () => {
      if (Date.now() - lastRescan < RESCAN_MIN_MS) return;
      lastRescan = Date.now();
      callbacks.onRescan();
    },
    'master-heartbeat': (message) => onEvent({ type: 'master-heartbeat', everyMs: message.everyMs }),
    'master-idle': (message) => {
      logger.info({ idleMs: message.idleMs }, 'master idle');
      callbacks.onIdle();
    },
    'master-socket': (message, handle) => callbacks.onSocket(message, handle),
    'master-sockets': (message) => callbacks.onSockets(message.keys),
    // a master asks once, as it starts: answering more would queue copies a master need not read
    'kept-sockets-request': () => {
      if (keptAsked) return invalid.drop('a second kept-sockets-request');
      keptAsked = true;
      callbacks.onKeptRequest();
    },
  };
  let exited = false;
  guardChannel(child, {
    onInvalid: (why) => invalid.drop(why),
    onOversize: (chars) => {
      logger.error({ masterPid: child.pid, chars, limit: MAX_MESSAGE_CHARS }, 'master message too long: master killed');
      child.kill('SIGKILL');
    },
  });
  child.on('message', (message, handle) => {
    const checked = exited ? null : checkMasterMessage(message);
    if (checked?.ok === false) invalid.drop(checked.why);
    // a descriptor counts only on a valid master-socket from a live master; any other is closed, never leaked
    const socket = checked?.ok === true && checked.message.type === 'master-socket';
    if (checked?.ok === true) dispatch(handlers, checked.message, socket ? handle : undefined);
    if (!socket && handle !== undefined) discard(handle);
  });
  child.on('error', (err) => {
    // without a pid the spawn itself failed; later errors are about the IPC channel
    if (child.pid === undefined && !exited) {
      exited = true;
      callbacks.onSpawnFailed(err);
    } else logger.debug({ err }, 'master channel error');
  });
  child.once('exit', (code, signal) => {
    if (exited) return;
    const finish = (): void => {
      if (exited) return;
      exited = true;
      callbacks.onExit(code, signal);
    };
    // the exit can be seen before the channel's last messages (a master-error just before exit 2): read them first
    if (!child.connected) return finish();
    const timer = setTimeout(finish, CHANNEL_DRAIN_MS);
    child.once('disconnect', () => {
      clearTimeout(timer);
      finish();
    });
  });
  return uwLink(child, callbacks.logger, ways);
}

/** The IPC side: signals for reload and stop, stats-request messages matched by id. */
function uwLink(child: ChildProcess, logger: Logger, ways: { stats: StatsRequests; stopMaster: StopMaster }): MasterLink {
  return {
    child,
    acknowledgesReload: true,
    reload: () => sendSignal(child, 'SIGHUP'),
    kill: () => sendSignal(child, 'SIGKILL'),
    stop: (graceMs, onEscalate, ask) => ways.stopMaster(child, graceMs, onEscalate, ask),
    requestStats: (timeoutMs) => {
      let sent = false;
      const reply = ways.stats.request(timeoutMs, (id) => {
        if (!child.connected) return false;
        // counted by the tests of shared collections: each line is one request a master must answer
        logger.debug({ masterPid: child.pid, id }, 'stats requested');
        child.send({ type: 'stats-request', id }, (err) => {
          if (err) ways.stats.settle(id, null);
        });
        sent = true;
        return true;
      });
      return reply.then((stats) => ({ stats, counts: sent && child.connected }));
    },
    tell: (message) => {
      if (!child.connected) return false;
      child.send(message, (err) => {
        if (err) logger.warn({ masterPid: child.pid, type: message.type, error: err.message }, 'message to the master lost');
      });
      return true;
    },
  };
}
