import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { StderrTail, TAIL_BYTES } from '../../src/master/stderr-tail.js';

/** A writable that never drains: its queue only grows, as a stalled reader's pipe. */
function stalled(): Writable & { written: number } {
  const out = new Writable({ highWaterMark: 16, write: () => undefined }) as Writable & { written: number };
  out.written = 0;
  const write = out.write.bind(out);
  out.write = ((chunk: Buffer) => {
    out.written += chunk.length;
    return write(chunk);
  }) as typeof out.write;
  return out;
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('stderr tail', () => {
  test('passes every chunk through and keeps the last lines', async () => {
    const input = new PassThrough();
    const copied: string[] = [];
    const tail = new StderrTail(input, new Writable({ write: (chunk: Buffer, _enc, done) => (copied.push(chunk.toString()), done()) }));
    assert.equal(tail.text(), null);
    input.write('line one\n');
    input.write('line two\n');
    await flush();
    assert.equal(copied.join(''), 'line one\nline two\n');
    assert.equal(tail.text(), 'line one\nline two');
  });

  test('keeps a bounded window that starts at a full line', async () => {
    const input = new PassThrough();
    const tail = new StderrTail(input, new Writable({ write: (_c, _e, done) => done() }));
    for (let i = 0; i < 1_000; i += 1) input.write(`line ${i}\n`);
    await flush();
    const text = tail.text() ?? '';
    assert.ok(text.length <= TAIL_BYTES);
    assert.ok(text.endsWith('line 999'));
    assert.match(text, /^line \d+$/m, 'the first line is whole');
    assert.ok(text.split('\n')[0]?.startsWith('line '));
  });

  test('keeps one last line longer than the window, cut at its start and marked', async () => {
    const input = new PassThrough();
    const tail = new StderrTail(input, new Writable({ write: (_chunk, _enc, done) => done() }));
    const record = JSON.stringify({ level: 50, msg: 'boom', detail: 'x'.repeat(3_000), end: 'the end' });
    input.write(`${record}\n`);
    await flush();
    const text = tail.text();
    assert.ok(text !== null && text.startsWith('…') && text.endsWith('"end":"the end"}'), String(text));
    assert.ok(text.length <= TAIL_BYTES + 1);
  });

  test('drops output instead of queueing it without bound when our stderr backs up', async () => {
    const input = new PassThrough();
    const out = stalled();
    const tail = new StderrTail(input, out);
    const chunk = Buffer.alloc(64 * 1024, 'x');
    for (let i = 0; i < 64; i += 1) input.write(chunk);
    await flush();
    assert.ok(out.written <= (1 << 20) + chunk.length, `queued ${out.written} bytes`);
    assert.ok(tail.dropped > 0);
  });

  test('a failed output (EPIPE: nobody reads our stderr) stops the copy, not the master; the tail is still kept', async () => {
    const input = new PassThrough();
    let writes = 0;
    const broken = new Writable({
      write: (_chunk, _enc, done) => {
        writes += 1;
        done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const tail = new StderrTail(input, broken);
    new StderrTail(new PassThrough(), broken); // a second worker on the same output adds no listener
    assert.equal(broken.listenerCount('error'), 1);
    input.write('first\n');
    await flush();
    input.write('second\n');
    await flush();
    assert.equal(writes, 1, 'no copy after the failure');
    assert.equal(tail.text(), 'first\nsecond');
  });
});
