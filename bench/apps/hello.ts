// The benchmark's hello-world handler, the same in every server compared:
// a fixed-size 200 naming the process that answered (so a reload test can tell
// an old worker from a new one).
import type { IncomingMessage, ServerResponse } from 'node:http';

const body = Buffer.from(`hello from ${String(process.pid).padStart(7, '0')}\n`);

export default function hello(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
  res.end(body);
}
