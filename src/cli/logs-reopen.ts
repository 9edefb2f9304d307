// `uwemperor logs reopen`: asks the emperor, over its control socket, to
// reopen its own log file and to have every master reopen its own (the
// postrotate step of logrotate's create mode). Answers once the emperor has
// reopened its file and told the masters.
import { request } from 'node:http';
import type { ControlTarget } from './read-emperor-stats.js';
import { EmperorUnreachableError } from './read-emperor-stats.js';

/** The emperor's answer. */
export interface ReopenReply {
  /** whether the emperor has a log file of its own (it was reopened) */
  readonly emperor: boolean;
  /** masters told to reopen theirs */
  readonly masters: number;
}

/** POST /logs/reopen on the control socket; throws EmperorUnreachableError with one line. */
export function requestReopen(target: ControlTarget, timeoutMs = 5_000): Promise<ReopenReply> {
  const address = target.address;
  return new Promise((resolve, reject) => {
    const where = address.type === 'unix' ? { socketPath: address.path } : { host: address.host, port: address.port };
    const req = request({ ...where, method: 'POST', path: '/logs/reopen', timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode === 200) return resolve(parseReply(target.where, body));
        // a stats address (not the control socket) or an older emperor: no such action there
        const why = res.statusCode === 404 || res.statusCode === 405 ? 'it takes no commands (give the control socket, not a stats address)' : body.trim();
        reject(new EmperorUnreachableError(`${target.where} refused the reopen: ${why}`));
      });
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) => {
      reject(new EmperorUnreachableError(`cannot reach the emperor at ${target.where}: ${err.code ?? err.message}`));
    });
    req.end();
  });
}

function parseReply(where: string, body: string): ReopenReply {
  try {
    const reply = JSON.parse(body) as Partial<ReopenReply>;
    if (typeof reply.masters === 'number' && typeof reply.emperor === 'boolean') return { emperor: reply.emperor, masters: reply.masters };
  } catch {
    // said below
  }
  throw new EmperorUnreachableError(`${where} answered the reopen with something else than the emperor's reply`);
}
