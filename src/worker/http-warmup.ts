// A fresh Node process answers its first HTTP request several milliseconds
// slower than the next ones (V8 compiles the HTTP server's code paths on first
// use: 6-11 ms against under 1 here), the connections a new worker accepts
// first queue behind it, and its next few hundred run unoptimised code. During
// a reload those are the slowest requests clients see. So a worker that boots
// beside serving ones (a reload, a chain, a recycle) first sends
// `reload-warmup` requests through Node's HTTP server over an in-memory
// connection: no socket, nothing anyone else can reach, answered here and
// never by the app, whose own code stays cold. 100 cost ~30 ms and ~35 ms of
// CPU, at the booting worker's lower priority.
import { createServer } from 'node:http';
import { Duplex } from 'node:stream';

const REQUEST = 'GET /uw-warmup HTTP/1.1\r\nHost: uw\r\nUser-Agent: uw-warmup\r\nAccept: */*\r\n\r\n';
const ANSWER = 'HTTP/1.1 200';
/** a warm-up never holds a worker back from serving longer than this */
const LIMIT_MS = 1_000;

/** Run `rounds` requests through a throwaway HTTP server; resolves with how many were answered, once all were or after the limit. */
export function warmHttp(rounds: number, limitMs = LIMIT_MS): Promise<number> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 2 }).end('ok');
  });
  return new Promise((resolve) => {
    let answered = 0;
    const connection = new Duplex({
      read() {},
      write(chunk: Buffer | string, _encoding, callback) {
        answered += String(chunk).split(ANSWER).length - 1;
        callback();
        if (answered >= rounds) setImmediate(done);
      },
    });
    const done = (): void => {
      clearTimeout(timer);
      connection.destroy();
      server.close();
      resolve(answered);
    };
    const timer = setTimeout(done, limitMs);
    server.emit('connection', connection);
    connection.push(REQUEST.repeat(rounds));
  });
}
