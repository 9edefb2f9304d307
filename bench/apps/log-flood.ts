// The log benchmark's app: GET /flood?mb=N prints N MiB of 100-byte lines on
// stdout as fast as the pipe takes them, and answers once the pipe has them
// all; any other request gets a 200 at once (the readiness probe).
import type { IncomingMessage, ServerResponse } from 'node:http';

const LINE_BYTES = 100;

export default function logFlood(req: IncomingMessage, res: ServerResponse): void {
  const mb = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('mb') ?? 0);
  if (!req.url?.startsWith('/flood') || !(mb > 0)) return void res.end('ok\n');
  void flood(mb * 1024 * 1024).then(() => res.end('done\n'));
}

async function flood(bytes: number): Promise<void> {
  let n = 0;
  for (let written = 0; written < bytes; ) {
    let chunk = '';
    while (chunk.length < 65_536) chunk += `flood ${String(++n).padStart(9, '0')} ${'y'.repeat(LINE_BYTES - 17)}\n`;
    written += chunk.length;
    // the callback: the pipe took the chunk (the last one's callback means every byte is with the master)
    await new Promise<void>((resolve) => process.stdout.write(chunk, () => resolve()));
  }
}
