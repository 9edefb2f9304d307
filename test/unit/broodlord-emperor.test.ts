// The emperor's broodlord without processes: fake vassals record their events,
// the [zerg] section is whatever the test says, time is virtual.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Broodlord, SOS_WARN_EVERY_MS } from '../../src/emperor/broodlord.js';
import type { ZergSection } from '../../src/emperor/broodlord-section.js';
import type { Vassal } from '../../src/emperor/vassal.js';
import type { VassalEvent, VassalState } from '../../src/emperor/vassal-machine.js';
import { pino } from 'pino';
import { VirtualClock } from './emperor-virtual-clock.js';

interface FakeVassal {
  identity: string;
  file: string;
  fingerprint: object | null;
  state: VassalState;
  events: string[];
  handle(event: VassalEvent): void;
}

const fake = (identity: string): FakeVassal => ({
  identity,
  file: `/v/${identity}`,
  fingerprint: {},
  state: 'ready',
  events: [],
  handle(event) {
    this.events.push(event.type);
  },
});

/** Let the section read (a promise) settle. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function setup(max: number) {
  let section: ZergSection = { present: true, digest: 'a' };
  const zergs: FakeVassal[] = [];
  const clock = new VirtualClock();
  const lines: string[] = [];
  const broodlord = new Broodlord({
    max,
    clock,
    logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(String((JSON.parse(line) as { msg: string }).msg)) }),
    readSection: () => Promise.resolve(section),
    createZerg: (_parent, identity) => {
      const zerg = fake(identity);
      zergs.push(zerg);
      return zerg as unknown as Vassal;
    },
  });
  const parent = fake('app.ini');
  const sos = async () => {
    broodlord.sos(parent as unknown as Vassal, 'busy');
    await settle();
  };
  return { broodlord, parent, zergs, clock, lines, sos, setSection: (next: ZergSection) => (section = next) };
}

describe('Broodlord', () => {
  test('one instance per SOS, never while one starts, up to the cap', async () => {
    const { broodlord, zergs, sos } = setup(2);
    await sos();
    assert.deepEqual(zergs.map((z) => z.identity), ['app.ini:zerg:1']);
    zergs[0]!.state = 'starting';
    await sos();
    assert.equal(zergs.length, 1, 'not while one starts');
    zergs[0]!.state = 'ready';
    await sos();
    await sos();
    assert.deepEqual(zergs.map((z) => z.identity), ['app.ini:zerg:1', 'app.ini:zerg:2']);
    assert.equal(broodlord.count('app.ini'), 2);
  });

  test('a retired instance frees its number', async () => {
    const { broodlord, zergs, sos } = setup(2);
    await sos();
    await sos();
    broodlord.forget('app.ini', zergs[0] as unknown as Vassal);
    await sos();
    assert.deepEqual(zergs.map((z) => z.identity), ['app.ini:zerg:1', 'app.ini:zerg:2', 'app.ini:zerg:1']);
  });

  test('a file change reloads the instances only when the section changed; a removed section stops them', async () => {
    const { broodlord, parent, zergs, sos, setSection } = setup(1);
    await sos();
    broodlord.fileChanged(parent as unknown as Vassal);
    await settle();
    assert.deepEqual(zergs[0]!.events, []);
    setSection({ present: true, digest: 'b' });
    broodlord.fileChanged(parent as unknown as Vassal);
    await settle();
    assert.deepEqual(zergs[0]!.events, ['file-changed']);
    setSection({ present: false });
    broodlord.fileChanged(parent as unknown as Vassal);
    await settle();
    assert.deepEqual(zergs[0]!.events, ['file-changed', 'file-removed']);
  });

  test('a removed file stops every instance; no section or off starts nothing', async () => {
    const { broodlord, zergs, sos } = setup(2);
    await sos();
    await sos();
    broodlord.fileRemoved('app.ini');
    assert.deepEqual(zergs.map((z) => z.events), [['file-removed'], ['file-removed']]);
    const none = setup(2);
    none.setSection({ present: false });
    await none.sos();
    await none.sos();
    assert.equal(none.zergs.length, 0);
    assert.equal(none.lines.filter((msg) => msg.includes('no [zerg] section')).length, 1, 'logged once');
    const off = setup(0);
    await off.sos();
    await off.sos();
    await off.clock.advance(SOS_WARN_EVERY_MS);
    await off.sos();
    assert.equal(off.zergs.length, 0);
    assert.equal(off.lines.filter((msg) => msg.includes('emperor-broodlord is off')).length, 2, 'once a minute');
  });
});
