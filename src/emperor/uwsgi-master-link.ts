// Wires a master run with another binary (uWSGI's own) to its vassal over the
// socketpair passed as UWSGI_EMPEROR_FD: its bytes become vassal events (see
// uwsgi-emperor-bytes.ts), reload and stop are bytes instead of signals, its
// statistics come from its own stats server. The emperor's end of the pair
// closes with the emperor, which a uWSGI master takes as "stop now".
import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { killGroup, sendSignal } from '../process/terminate.js';
import type { Clock, TimerHandle } from './clock.js';
import type { MasterLink, MasterLinkCallbacks, StopMaster } from './master-link.js';
import type { UwsgiPlan } from './master-plan.js';
import { EMPEROR_BYTE, stopByte, vassalByteAction } from './uwsgi-emperor-bytes.js';
import { readUwsgiStats } from './uwsgi-stats-reader.js';

/** What a uWSGI link needs besides the master's callbacks. */
export interface UwsgiLinkOptions {
  readonly plan: UwsgiPlan;
  /** the vassal's name, for its statistics document */
  readonly vassal: string;
  readonly clock: Clock;
  /** stop with byte 2 (requests in flight finish) instead of 0 */
  readonly gracefulStop: boolean;
  readonly stopMaster: StopMaster;
}

/** The callbacks a uWSGI master can give reason to. */
export type UwsgiLinkCallbacks = Pick<MasterLinkCallbacks, 'logger' | 'onEvent' | 'onSos' | 'onIdle' | 'onSpawnFailed' | 'onExit'>;

/** Listen to `child` (spawned with a 'pipe' at fd 3) until it exits. */
export function linkUwsgiMaster(child: ChildProcess, callbacks: UwsgiLinkCallbacks, options: UwsgiLinkOptions): MasterLink {
  const { logger, onEvent } = callbacks;
  const { plan } = options;
  const channel = (child.stdio[3] ?? null) as Socket | null;
  let exited = false;
  let accepting = false;
  let stopAsked = false;
  let unknownSeen = false;
  let readyTimer: TimerHandle | null = null;
  const clearReadyTimer = (): void => {
    readyTimer?.clear();
    readyTimer = null;
  };
  // armed at the start and again at each reload (the master re-executes and must accept again in time)
  const armReadyTimer = (): void => {
    clearReadyTimer();
    accepting = false;
    readyTimer = options.clock.setTimer(plan.readyTimeoutMs, () => {
      readyTimer = null;
      if (!exited && !accepting) onEvent({ type: 'ready-timeout', afterMs: plan.readyTimeoutMs });
    });
  };
  armReadyTimer();

  /** One byte to the master; a channel already gone falls back to the signal with the nearest meaning. */
  const send = (byte: number, fallback: NodeJS.Signals): void => {
    if (channel === null || channel.destroyed || !channel.writable) return sendSignal(child, fallback);
    channel.write(Buffer.from([byte]), (err) => {
      if (!err) return;
      logger.debug({ masterPid: child.pid, err }, 'emperor fd write failed');
      sendSignal(child, fallback);
    });
  };
  const askStop = (): void => {
    if (stopAsked) return;
    stopAsked = true;
    // SIGINT is uWSGI's brutal stop: only when the byte cannot be written
    send(stopByte(options.gracefulStop), 'SIGINT');
  };

  const onByte = (byte: number): void => {
    const action = vassalByteAction(byte, plan.heartbeatMs);
    switch (action.kind) {
      case 'event':
        if (action.event.type === 'master-ready') {
          accepting = true;
          clearReadyTimer();
        }
        return onEvent(action.event);
      case 'idle':
        // uWSGI waits for the emperor's answer: it is told to stop, and stops by itself from here
        logger.info({ masterPid: child.pid }, 'master asks to stop (idle)');
        askStop();
        return callbacks.onIdle();
      case 'sos':
        return callbacks.onSos('busy');
      case 'note':
        return logger.info({ masterPid: child.pid }, action.note);
      case 'unknown':
        if (!unknownSeen) logger.warn({ masterPid: child.pid, byte: action.byte }, 'unknown byte from the master ignored');
        unknownSeen = true;
        return;
    }
  };

  channel?.on('data', (chunk: Buffer) => {
    if (!exited) for (const byte of chunk) onByte(byte);
  });
  channel?.on('error', (err) => logger.debug({ masterPid: child.pid, err }, 'emperor fd error'));
  child.on('error', (err) => {
    if (child.pid === undefined && !exited) {
      exited = true;
      clearReadyTimer();
      callbacks.onSpawnFailed(err);
    } else logger.debug({ err }, 'master error');
  });
  child.once('exit', (code, signal) => {
    if (exited) return;
    exited = true;
    clearReadyTimer();
    channel?.destroy();
    callbacks.onExit(code, signal);
  });

  return {
    child,
    // a uWSGI master says nothing until the reload is done (accepting again)
    acknowledgesReload: false,
    reload: () => {
      if (exited) return;
      armReadyTimer();
      send(EMPEROR_BYTE.reload, 'SIGHUP');
    },
    // its workers are in its process group: none outlives it
    kill: () => killGroup(child),
    stop: (graceMs, onEscalate, ask) => {
      if (ask) askStop();
      return options.stopMaster(child, graceMs, onEscalate, false);
    },
    requestStats: async (timeoutMs) => {
      if (plan.stats === null) return { stats: null, counts: false };
      const read = await readUwsgiStats(plan.stats, plan.ownerUid, timeoutMs, options.vassal);
      return { stats: read.stats, counts: read.stats !== null || read.timeout };
    },
    tell: () => false,
  };
}
