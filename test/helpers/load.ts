// A bounded load generator for reload tests: keep-alive clients and clients
// that open a new connection per request, counting every failure.
import { Agent, request } from 'node:http';

export interface LoadResult {
  ok: number;
  failed: number;
  errors: string[];
  pids: Set<string>;
}

export interface Load {
  readonly result: LoadResult;
  /** stop the clients and wait for their last requests */
  stop(): Promise<LoadResult>;
}

function once(port: number, agent: Agent | false, result: LoadResult, path: string): Promise<void> {
  return new Promise((resolve) => {
    // generous: on a loaded 2-core machine a slow answer is not a lost one, a reset is
    const req = request({ host: '127.0.0.1', port, path, agent, timeout: 30_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        if (res.statusCode === 200) {
          result.ok += 1;
          result.pids.add(body.split(' ')[1] ?? '');
        } else {
          result.failed += 1;
          result.errors.push(`status ${res.statusCode}`);
        }
        resolve();
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => {
      result.failed += 1;
      result.errors.push(`${agent === false ? 'new connection' : 'keep-alive'}: ${err.message} at ${new Date().toISOString()}`);
      resolve();
    });
    req.end();
  });
}

/**
 * Start `keepAlive` + `fresh` concurrent client loops against 127.0.0.1:port, for at most `maxMs`
 * (a safety net only: ten reloads of slow-starting workers on a busy 2-core machine take minutes,
 * and a load that stopped early reads as "no requests flowing"); `path` is what every client asks for.
 */
export function startLoad(port: number, clients: { keepAlive: number; fresh: number }, maxMs = 600_000, path = '/'): Load {
  const result: LoadResult = { ok: 0, failed: 0, errors: [], pids: new Set() };
  const agent = new Agent({ keepAlive: true, maxSockets: clients.keepAlive });
  const deadline = Date.now() + maxMs;
  let running = true;
  const loop = async (useAgent: Agent | false): Promise<void> => {
    while (running && Date.now() < deadline) await once(port, useAgent, result, path);
  };
  const loops = [
    ...Array.from({ length: clients.keepAlive }, () => loop(agent)),
    ...Array.from({ length: clients.fresh }, () => loop(false)),
  ];
  return {
    result,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      agent.destroy();
      return result;
    },
  };
}
