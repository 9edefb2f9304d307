import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { parseProcNetTcp, readListenRows } from '../../src/master/listen-queue.js';
import { TempDir } from '../helpers/temp-dir.js';

const dir = new TempDir();
after(() => dir.remove());

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const row = (sl: number, state: string, rx: number, inode: number): string =>
  `${String(sl).padStart(4)}: 0100007F:46A1 00000000:0000 ${state} 00000000:${rx.toString(16).toUpperCase().padStart(8, '0')} 00:00000000 00000000     0        0 ${inode} 1 00000000132d2a77 100 0 0 10 0\n`;

test('/proc/net/tcp: the rx_queue of LISTEN rows by inode; connected rows are not listeners', () => {
  const text = HEADER + row(0, '0A', 7, 3277753) + row(1, '01', 16, 3277999) + row(2, '0A', 0, 3277754);
  assert.deepEqual([...parseProcNetTcp(text)], [[3277753, 7], [3277754, 0]]);
});

test('reads the listeners\' rows across chunks and stops at the first row that is not a listener', () => {
  const listeners = Array.from({ length: 300 }, (_, i) => row(i, '0A', i, 1000 + i)).join('');
  // the kernel lists every listener first: a LISTEN row after a connected one is never read
  const file = dir.write('tcp', HEADER + listeners + row(300, '06', 0, 5000) + row(301, '0A', 9, 9999));
  const rows = readListenRows(file);
  assert.equal(rows.size, 300);
  assert.equal(rows.get(1299), 299);
  assert.equal(rows.has(9999), false);
  assert.deepEqual(readListenRows(dir.file('missing')), new Map());
});
