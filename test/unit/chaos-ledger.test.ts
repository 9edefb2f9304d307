// The chaos run's accounting: a failure counts against a kill only when the
// request was exposed to it (in flight on its processes); a refusal while a
// vassal has no master is counted apart; anything else is unexplained.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChaosLedger, type Kill, type PendingRequest } from '../../bench/chaos-ledger.js';
import { slopePer1000 } from '../../bench/soak-report.js';

function kill(kind: Kill['kind'], ports: number[], pids: number[]): Kill {
  return { id: 1, kind, ports: new Set(ports), pids: new Set(pids), at: 0, inflight: 0, failed: 0, refused: 0 };
}

function send(ledger: ChaosLedger, port: number, mode: PendingRequest['mode'], socketPid?: number): PendingRequest {
  const request: PendingRequest = { port, mode, sentAt: 0, socketPid, exposedTo: null };
  ledger.sent(request);
  return request;
}

describe('chaos ledger', () => {
  test('a worker kill exposes the requests outstanding on its port, not keep-alive ones attached to another worker', () => {
    const ledger = new ChaosLedger();
    const onKilled = send(ledger, 80, 'keep-alive', 11);
    const onOther = send(ledger, 80, 'keep-alive', 12);
    const fresh = send(ledger, 80, 'new-connection');
    const elsewhere = send(ledger, 81, 'new-connection');
    const worker = kill('worker', [80], [11]);
    ledger.open(worker);
    for (const request of [onKilled, onOther, fresh, elsewhere]) ledger.settle(request, 'ECONNRESET');
    assert.equal(worker.inflight, 2);
    assert.equal(worker.failed, 2);
    assert.deepEqual(ledger.unexplained.map((u) => u.port), [80, 81]);
  });

  test('requests sent while the kill is open, or later on a connection to a killed process, are exposed; after close others are not', () => {
    const ledger = new ChaosLedger();
    const master = kill('master', [80], [20, 21]);
    ledger.open(master);
    const during = send(ledger, 80, 'new-connection');
    ledger.close(master);
    const stale = send(ledger, 80, 'keep-alive', 21);
    const after = send(ledger, 80, 'new-connection');
    for (const request of [during, stale, after]) ledger.settle(request, 'ECONNRESET');
    assert.equal(master.failed, 2);
    assert.equal(ledger.unexplained.length, 1);
  });

  test('a refused connection while the vassal has no master is counted apart, not as in flight', () => {
    const ledger = new ChaosLedger();
    const master = kill('master', [80], [20]);
    ledger.open(master);
    ledger.markDown(80, master);
    const refused = send(ledger, 80, 'new-connection');
    ledger.settle(refused, 'ECONNREFUSED');
    // accepted by a dying worker, then reset: in flight, not refused
    const reset = send(ledger, 80, 'new-connection');
    ledger.settle(reset, 'ECONNRESET');
    ledger.close(master);
    ledger.markUp(80);
    const later = send(ledger, 80, 'new-connection');
    ledger.settle(later, 'ECONNREFUSED');
    assert.deepEqual({ refused: master.refused, inflight: master.inflight, failed: master.failed }, { refused: 1, inflight: 1, failed: 1 });
    assert.equal(ledger.unexplained.length, 1, 'refused once up again: unexplained');
  });

  test('an answer counts once, whatever else the client reports', () => {
    const ledger = new ChaosLedger();
    const request = send(ledger, 80, 'keep-alive');
    ledger.settle(request, null);
    ledger.settle(request, 'ECONNRESET');
    assert.equal(ledger.ok, 1);
    assert.equal(ledger.unexplained.length, 0);
  });
});

test('soak slope: least squares per 1,000 reloads', () => {
  const samples = [0, 500, 1_000, 1_500].map((reloads) => ({ reloads, emperorRssKb: 1_000 + reloads * 2, emperorFds: 20, masterRssKb: 0, masterFds: 0, emperorHeapKb: 0, masterHeapKb: 0, emperorLiveKb: 0, masterLiveKb: 0 }));
  assert.equal(slopePer1000(samples, 'emperorRssKb'), 2_000);
  assert.equal(slopePer1000(samples, 'emperorFds'), 0);
});
