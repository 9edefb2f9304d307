// The client side of the emperor's control socket for `uwemperor ls|stats|top`:
// which socket to try (--control, else the documented default), one read of
// the emperor's document, and one clear line when no emperor is there.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ListenAddress } from '../config/vassal-config.js';
import { defaultControlPath } from '../emperor/control-path.js';
import type { EmperorStatsDocument } from '../stats/emperor-document.js';
import { readStats } from '../stats/read-stats.js';

/** Where to read the emperor's document, and how to name it in messages. */
export interface ControlTarget {
  readonly address: ListenAddress;
  readonly where: string;
  /** a non-root user's default path (no --control, no UWEMPEROR_CONTROL): an emperor run by root listens elsewhere */
  readonly userDefault: boolean;
}

/** root's default control path, where a non-root user's default misses a system emperor. */
const ROOT_CONTROL_PATH = defaultControlPath({}, 0);

/** No emperor document could be read at the target; the message names the path and says why. */
export class EmperorUnreachableError extends Error {}

const HOST_PORT = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/** `--control` as given (a socket path, or host:port for an emperor's `stats` address), else the default path. */
export function controlTarget(option: string | undefined, cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env, uid: number = process.getuid?.() ?? 0): ControlTarget {
  const text = option ?? defaultControlPath(env, uid);
  const tcp = option === undefined ? null : HOST_PORT.exec(text);
  if (tcp?.[1] !== undefined && tcp[2] !== undefined) {
    return { address: { type: 'tcp', host: tcp[1].replace(/^\[|\]$/g, ''), port: Number(tcp[2]) }, where: text, userDefault: false };
  }
  const path = resolve(cwd, text);
  const userDefault = option === undefined && (env.UWEMPEROR_CONTROL ?? '') === '' && uid !== 0;
  return { address: { type: 'unix', path }, where: path, userDefault };
}

const HINT = 'give the socket with --control PATH';

/** Read and check one document; throws EmperorUnreachableError with a one-line reason. `rootPath`: root's default, for the hint. */
export async function readEmperorStats(target: ControlTarget, timeoutMs = 5_000, rootPath = ROOT_CONTROL_PATH): Promise<EmperorStatsDocument> {
  if (target.address.type === 'unix') checkSocketFile(target, rootPath);
  let text: string;
  try {
    text = await readStats(target.address, timeoutMs, { http: true });
  } catch (err) {
    throw new EmperorUnreachableError(connectFailure(target.where, (err as NodeJS.ErrnoException).code ?? String(err), timeoutMs));
  }
  return parseDocument(target.where, text);
}

/** Before connecting: nothing there, or something that is not a socket, is said as such. */
function checkSocketFile(target: ControlTarget, rootPath: string): void {
  const path = target.where;
  let isSocket: boolean;
  try {
    isSocket = statSync(path).isSocket();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    if (code === 'ENOENT') throw new EmperorUnreachableError(`no emperor: ${path} does not exist (${missingHint(target, rootPath)})`);
    if (code === 'EACCES') throw new EmperorUnreachableError(`cannot reach ${path}: permission denied (the emperor runs as another user?)`);
    throw new EmperorUnreachableError(`cannot reach ${path}: ${code} (${HINT})`);
  }
  if (!isSocket) throw new EmperorUnreachableError(`${path} is not a socket, so not an emperor's control socket (${HINT})`);
}

/** A user's default path misses an emperor run by root: point at root's socket when one is there. */
function missingHint(target: ControlTarget, rootPath: string): string {
  if (target.userDefault && isSocketFile(rootPath)) return `an emperor's socket is at ${rootPath}: try --control ${rootPath}`;
  return `is uwemperor running? ${HINT}`;
}

function isSocketFile(path: string): boolean {
  try {
    return statSync(path).isSocket();
  } catch {
    return false;
  }
}

function connectFailure(where: string, code: string, timeoutMs: number): string {
  switch (code) {
    case 'ECONNREFUSED':
      return `no emperor listens on ${where} (connection refused${where.startsWith('/') ? ': a stale socket file?' : ''}; ${HINT})`;
    case 'ENOENT':
      return `no emperor: ${where} does not exist (is uwemperor running? ${HINT})`;
    case 'EACCES':
    case 'EPERM':
      return `cannot connect to ${where}: permission denied (the emperor runs as another user?)`;
    case 'ETIMEDOUT':
      return `the emperor at ${where} did not answer within ${timeoutMs / 1000} s`;
    default:
      return `cannot connect to ${where}: ${code} (${HINT})`;
  }
}

/** The text must be an emperor's document: a master's stats socket, or anything else, is named as such. */
/**
 * Control characters in any string of the document become visible: a vassal's
 * app writes its own error text, request lines and names, and an escape
 * sequence in them must never reach the operator's terminal (it could retitle
 * it, clear it or worse). Tabs and line breaks become spaces.
 */
function printableStrings(_key: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return value.replace(/[\t\n\r]/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

function parseDocument(where: string, text: string): EmperorStatsDocument {
  let value: unknown;
  try {
    value = JSON.parse(text, printableStrings);
  } catch {
    throw new EmperorUnreachableError(`${where} answered, but not with JSON: not an emperor's control socket (${HINT})`);
  }
  const doc = value as Partial<Record<string, unknown>> | null;
  if (doc !== null && typeof doc === 'object' && Array.isArray(doc.workers)) {
    throw new EmperorUnreachableError(`${where} is a master's stats socket, not an emperor's (read it with uw --connect-and-read)`);
  }
  if (doc === null || typeof doc !== 'object' || !Array.isArray(doc.vassals) || typeof doc.collected_ms !== 'number') {
    throw new EmperorUnreachableError(`${where} answered with JSON that is not an emperor's statistics document`);
  }
  return value as EmperorStatsDocument;
}
