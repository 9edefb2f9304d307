// Minimal HTTP client for tests: one request, body as text, no retries.
import { request, type Agent } from 'node:http';

export interface Reply {
  readonly status: number;
  readonly body: string;
  readonly headers: Record<string, string | string[] | undefined>;
}

/** GET http://host:port/path (or over a UNIX socket when `target` has socketPath). */
export function get(target: { port: number; host?: string } | { socketPath: string }, path = '/', agent: Agent | false = false, timeoutMs = 10_000): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ ...('socketPath' in target ? { socketPath: target.socketPath } : { host: target.host ?? '127.0.0.1', port: target.port }), path, agent, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`request to ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** Resolve with the reply, or undefined on a connection error (for waitFor). */
export async function tryGet(target: { port: number; host?: string } | { socketPath: string }, path = '/'): Promise<Reply | undefined> {
  try {
    return await get(target, path, false, 2_000);
  } catch {
    return undefined;
  }
}
