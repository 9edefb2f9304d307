// `uwemperor top`'s pure parts: keys decoded from terminal bytes, the model
// (busiest first, selection by name, workers of the selected vassal), the
// rendered screen (exact lines, a small terminal, the emperor gone) and the
// painted bytes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeKeys } from '../../src/cli/top-keys.js';
import { initialTop, lost, observed, pressed, topOrder, type TopModel } from '../../src/cli/top-model.js';
import { ENTER_SCREEN, LEAVE_SCREEN, paint } from '../../src/cli/top-paint.js';
import { renderTop, TOP_HELP_LINE } from '../../src/cli/top-render.js';
import { emperor, master, threeVassals, vassal, worker } from './cli-documents.js';

const T0 = 1_800_000_300_000;

/** Two reads a second apart: api.ini served 55 requests in between. */
function watched(): TopModel {
  return observed(observed(initialTop('/run/uwemperor.sock'), threeVassals(T0)), threeVassals(T0 + 1000, [6050, 4005]));
}

describe('top keys', () => {
  it('decodes j/k, arrows, Enter, Esc, q and Ctrl-C; ignores what it does not know', () => {
    assert.deepEqual(decodeKeys('jk\x1b[B\x1b[A\x1bOB\r \x1bq\x03'), ['down', 'up', 'down', 'up', 'down', 'toggle', 'toggle', 'close', 'quit', 'quit']);
    assert.deepEqual(decodeKeys('x\x1b[C\x1b[1;5Dj\x1b[H\x1b[4~G'), ['down', 'first', 'last', 'last']);
  });
});

describe('top model', () => {
  it('orders vassals busiest first and selects the first at the start', () => {
    const order = (model: TopModel): string[] => topOrder(model).map((v) => v.id);
    const quiet = emperor([vassal('a.ini', 10, master('a.ini', 10, [worker(1, 11, { requests: 100 })])), vassal('b.ini', 20, master('b.ini', 20, [worker(1, 21, { requests: 5 })]))], T0);
    const busyB = emperor([vassal('a.ini', 10, master('a.ini', 10, [worker(1, 11, { requests: 101 })])), vassal('b.ini', 20, master('b.ini', 20, [worker(1, 21, { requests: 50 })]))], T0 + 1000);
    const first = observed(initialTop('s'), quiet);
    assert.deepEqual(order(first), ['a.ini', 'b.ini'], 'before any rate: most requests first');
    assert.equal(first.selected, 'a.ini');
    const second = observed(first, busyB);
    assert.deepEqual(order(second), ['b.ini', 'a.ini'], 'then the highest rate first');
    assert.equal(second.selected, 'a.ini', 'the selection follows the vassal, not the line');
  });

  it('moves the selection within bounds, and shows workers of the selected vassal only', () => {
    let model = watched();
    assert.equal(model.selected, 'api.ini');
    model = pressed(pressed(model, 'up'), 'down');
    assert.equal(model.selected, 'broken.ini');
    model = pressed(pressed(pressed(model, 'down'), 'down'), 'toggle');
    assert.deepEqual([model.selected, model.expanded], ['hung.ini', true]);
    model = pressed(model, 'first');
    assert.deepEqual([model.selected, model.expanded], ['api.ini', false], 'moving away hides the workers');
    assert.equal(pressed(pressed(model, 'toggle'), 'close').expanded, false);
  });

  it('keeps the last figures when a read fails, and measures no rate across the outage', () => {
    const down = lost(watched(), 'no emperor: /run/uwemperor.sock does not exist', T0 + 2000);
    assert.equal(down.problemSince, T0 + 2000);
    assert.equal(lost(down, 'again', T0 + 5000).problemSince, T0 + 2000);
    assert.equal(down.rates.vassals.get('api.ini'), 55);
    const back = observed(down, threeVassals(T0 + 9000, [9000, 9000]));
    assert.deepEqual([back.problem, back.rates.vassals.size], [null, 0]);
  });
});

describe('top screen', () => {
  it('draws the totals, the vassals busiest first with the selected one marked, and the keys', () => {
    assert.deepEqual(renderTop(watched(), 120, 10, T0 + 1000).map((line) => line.text), [
      'uwemperor top - emperor 100 - 3 vassals (2 ready) - 2 workers - 55.0 req/s - 10055 requests - RSS 70.0 MiB',
      '  VASSAL      STATE   PID  UPTIME  WORKERS  REQUESTS  REQ/S       RSS  RESTARTS  LAST ERROR',
      '> api.ini     ready   201      5m      2/2     10055   55.0  70.0 MiB         0',
      '  broken.ini  broken    -       -        -         -      -         -         0  config error: unknown option "proceses…',
      '  hung.ini    ready   301      2h        -         -      -         -         2  no answer',
      TOP_HELP_LINE,
    ]);
  });

  it('lists the selected vassal\'s workers with their rates and the request in flight', () => {
    const lines = renderTop(pressed(watched(), 'toggle'), 100, 20, T0 + 1000);
    assert.deepEqual(lines.slice(3, 6).map((line) => [line.style, line.text]), [
      ['worker', '      WORKER  PID  STATUS  REQ/S  REQUESTS  EXC  AVG RT       RSS  RESPAWNS  CURRENT'],
      ['worker', '           1  202  idle     50.0      6050    0   1.2ms  20.0 MiB         0'],
      ['worker', '           2  203  busy      5.0      4005    0   1.2ms  20.0 MiB         0  GET /slow for 4s'],
    ]);
    const hung = renderTop(pressed(pressed(pressed(watched(), 'last'), 'toggle'), 'first'), 100, 20, T0);
    assert.ok(hung.every((line) => line.style !== 'worker'));
    const silent = renderTop(pressed(pressed(watched(), 'last'), 'toggle'), 100, 20, T0);
    assert.equal(silent.find((line) => line.style === 'worker')?.text, '      no figures: the master did not answer');
  });

  it('says the emperor is unreachable above the last figures', () => {
    const lines = renderTop(lost(watched(), 'no emperor: /run/uwemperor.sock does not exist', T0 + 2000), 200, 10, T0 + 7000);
    assert.equal(lines[1]?.style, 'problem');
    assert.equal(lines[1]?.text, 'emperor unreachable for 5s, retrying every second: no emperor: /run/uwemperor.sock does not exist');
    assert.match(lines[3]?.text ?? '', /^> api\.ini/);
  });

  it('fits a small terminal: the header stays, the selected vassal and its workers scroll into view', () => {
    const many = emperor(Array.from({ length: 30 }, (_, i) => vassal(`v${String(i).padStart(2, '0')}.ini`, 1000 + i, master(`v${i}`, 1000 + i, [worker(1, 2000 + i, { requests: 1000 - i })]))), T0);
    let model = observed(initialTop('s'), many);
    for (let i = 0; i < 20; i++) model = pressed(model, 'down');
    const lines = renderTop(pressed(model, 'toggle'), 40, 8, T0);
    assert.equal(lines.length, 8);
    assert.match(lines[1]?.text ?? '', /^ {2}VASSAL/);
    assert.ok(lines.some((line) => line.style === 'selected' && line.text.startsWith('> v20.ini')));
    assert.equal(lines.filter((line) => line.style === 'worker').length, 2, 'the worker header and its one worker');
    assert.equal(lines.at(-1)?.style, 'help');
    for (const line of lines) assert.ok([...line.text].length <= 40, `${JSON.stringify(line.text)} is wider than 40`);
  });
});

describe('top painting', () => {
  it('homes the cursor, clears each line and the rest, cuts to width, and bars the selection', () => {
    const bytes = paint([{ text: 'title', style: 'title' }, { text: '> a', style: 'selected' }, { text: 'x'.repeat(30), style: 'row' }], 10);
    assert.equal(bytes, '\x1b[H\x1b[1mtitle\x1b[0m\x1b[K\r\n\x1b[7m> a      \x1b[0m\x1b[K\r\nxxxxxxxx…\x1b[K\x1b[J');
  });

  it('enters the alternate screen with the cursor hidden, and leaves it with the cursor shown', () => {
    assert.ok(ENTER_SCREEN.startsWith('\x1b[?1049h\x1b[?25l'));
    assert.ok(LEAVE_SCREEN.endsWith('\x1b[?25h\x1b[?1049l'));
  });
});
