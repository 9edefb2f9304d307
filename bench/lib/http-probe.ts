// One-shot probes for reaction times: a GET on a fresh connection, a bare
// connect, and a polling loop bounded in time.
import { get } from 'node:http';
import { connect } from 'node:net';

export type GetOutcome = { readonly status: number; readonly body: string } | { readonly error: string };

/** GET / on a new connection. */
export function getOnce(port: number, timeoutMs = 2_000): Promise<GetOutcome> {
  return new Promise((resolve) => {
    const request = get({ host: '127.0.0.1', port, path: '/', agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? 'error' }));
    });
    request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })));
    request.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? 'error' }));
  });
}

/** 'refused' when nothing listens on the port, 'open' when a connection is accepted (or queued). */
export function connectOnce(port: number, timeoutMs = 2_000): Promise<'open' | 'refused' | 'error'> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => finish('error'), timeoutMs);
    const finish = (outcome: 'open' | 'refused' | 'error'): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    socket.on('connect', () => finish('open'));
    socket.on('error', (err: NodeJS.ErrnoException) => finish(err.code === 'ECONNREFUSED' ? 'refused' : 'error'));
  });
}

/** Call `probe` every `intervalMs` until it returns a value; the time (Date.now()) it did. Throws after `timeoutMs`. */
export async function pollUntil<T>(probe: () => Promise<T | undefined>, intervalMs: number, timeoutMs: number, what: string): Promise<{ value: T; at: number }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return { value, at: Date.now() };
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** The PID a hello app names in its body ("hello from 0001234"). */
export function pidInBody(outcome: GetOutcome): number | undefined {
  if (!('status' in outcome) || outcome.status !== 200) return undefined;
  const match = /hello from (\d+)/.exec(outcome.body);
  return match ? Number(match[1]) : undefined;
}
