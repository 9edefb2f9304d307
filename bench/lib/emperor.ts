// Driving uwemperor from a benchmark: vassal files in a temp directory, the
// emperor process, and waits on its (and its masters') pino lines. Master lines
// carry the master's pid; the emperor's own lines carry name "uwemperor".
import { utimesSync, writeFileSync } from 'node:fs';
import { EMPEROR_BIN, HELLO_APP } from './paths.js';
import type { ProcessSet } from './process-set.js';
import { portOf } from './servers.js';
import type { LogLine, TrackedProcess } from './tracked-process.js';

export type VassalKind = 'module' | 'exec';

export interface VassalSpec {
  readonly kind: VassalKind;
  readonly processes: number;
  /** exec: the command line of the worker */
  readonly exec?: string;
}

/** Write `dir/name` as an ini vassal on 127.0.0.1:0 (the master picks a free port). */
export function writeVassal(dir: string, name: string, spec: VassalSpec): string {
  const app = spec.kind === 'module' ? `module = ${HELLO_APP}` : `exec = ${spec.exec ?? ''}`;
  const path = `${dir}/${name}`;
  writeFileSync(path, `[uwsgi]\nhttp-socket = 127.0.0.1:0\n${app}\nprocesses = ${spec.processes}\n`);
  return path;
}

/** `touch FILE`: set its mtime (and atime) to now. */
export function touch(path: string): void {
  const now = new Date();
  utimesSync(path, now, now);
}

/** Start `uwemperor DIR ...args` and wait for its first line. */
export async function startEmperor(processes: ProcessSet, dir: string, args: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<TrackedProcess> {
  const emperor = processes.spawn('uwemperor', process.execPath, [EMPEROR_BIN, dir, ...args], { env });
  await emperor.waitForMsg('emperor started', {}, 20_000);
  return emperor;
}

/** Lines the emperor itself wrote (its masters share its stdout). */
export const isEmperorLine = (line: LogLine): boolean => line.name === 'uwemperor';

/** The emperor's next `vassal state` line for `vassal` reaching `to`, from line index `from`. */
export function vassalState(emperor: TrackedProcess, vassal: string, to: string, from: number, timeoutMs: number): Promise<LogLine> {
  return emperor.watch(from, (line) => (isEmperorLine(line) && line.msg === 'vassal state' && line.vassal === vassal && line.to === to ? line : undefined), timeoutMs, `${vassal} ${to}`);
}

/** The port a vassal's master bound (its `socket bound` line), from line index `from`. */
export async function vassalPort(emperor: TrackedProcess, vassal: string, from: number, timeoutMs: number): Promise<number> {
  const line = await emperor.watch(from, (l) => (!isEmperorLine(l) && l.msg === 'socket bound' && l.vassal === vassal ? l : undefined), timeoutMs, `${vassal} socket bound`);
  return portOf(line.where);
}

/** The next line of the master with PID `pid` with this msg. */
export function masterLine(emperor: TrackedProcess, pid: number, msg: string, from: number, timeoutMs: number): Promise<LogLine> {
  return emperor.watch(from, (line) => (line.pid === pid && line.msg === msg ? line : undefined), timeoutMs, `master ${pid} "${msg}"`);
}
