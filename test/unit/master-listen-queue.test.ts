import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProcNetTcp } from '../../src/master/listen-queue.js';

const TEXT = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:46A1 00000000:0000 0A 00000000:00000007 00:00000000 00000000     0        0 3277753 1 00000000132d2a77 100 0 0 10 0
   1: 0100007F:46A1 0100007F:9C40 01 00000000:00000010 00:00000000 00000000     0        0 3277999 1 00000000132d2a77 100 0 0 10 0
   2: 0100007F:4AF7 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3277754 1 000000004848a9d3 100 0 0 10 0
`;

test('/proc/net/tcp: the rx_queue of LISTEN rows by inode; connected rows are not listeners', () => {
  assert.deepEqual([...parseProcNetTcp(TEXT)], [[3277753, 7], [3277754, 0]]);
});
