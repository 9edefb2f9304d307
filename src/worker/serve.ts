// One request through the app's handler. A handler that throws, or whose
// promise rejects, is the app's bug in one request, not the worker's end: it
// counts as an exception, the client gets a 500 (or, once headers are out, a
// closed connection, the only honest signal left), the error goes to stderr
// with its stack, and the worker keeps serving, as uWSGI and Node frameworks do.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { RequestCounter } from './request-counter.js';

/** Call `handler`; its synchronous throw or asynchronous rejection is answered, counted and reported. */
export function serve(handler: RequestListener, req: IncomingMessage, res: ServerResponse, counter: RequestCounter): void {
  let result: unknown;
  try {
    result = handler(req, res);
  } catch (err) {
    fail(err, req, res, counter);
    return;
  }
  // a thenable is an async handler: its rejection is this request's failure too
  if (typeof (result as PromiseLike<unknown> | null)?.then === 'function') {
    (result as PromiseLike<unknown>).then(undefined, (err: unknown) => fail(err, req, res, counter));
  }
}

function fail(err: unknown, req: IncomingMessage, res: ServerResponse, counter: RequestCounter): void {
  counter.exception(res);
  const what = err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`uw worker ${process.env.UW_WORKER_ID ?? '?'}: exception in ${req.method ?? '?'} ${req.url ?? ''}: ${what}\n`);
  if (res.writableEnded || res.destroyed) return;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = 'Internal Server Error\n';
  res.writeHead(500, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) }).end(body);
}
