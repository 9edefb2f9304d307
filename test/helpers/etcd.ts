// A real etcd for tests: one member or a 3-member cluster from /usr/bin/etcd,
// on free loopback ports, each in its own data directory under a TempDir.
// Members stop with SIGTERM, then SIGKILL after a grace; `stop` is safe to
// call from an afterEach hook whatever state the test left them in. Keys are
// written with the etcd3 client (the same package the emperor uses).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { freePort } from './free-port.js';
import type { TempDir } from './temp-dir.js';
import { waitFor } from './wait-for.js';

export const ETCD_BIN = process.env.UW_TEST_ETCD ?? '/usr/bin/etcd';

/** undefined when etcd is there; otherwise why the test is skipped (node:test's `skip` option takes it). */
export const etcdMissing: string | undefined = existsSync(ETCD_BIN) ? undefined : `${ETCD_BIN} is not installed (apt-get install etcd-server)`;

const STOP_GRACE_MS = 5_000;

interface Member {
  readonly name: string;
  readonly clientPort: number;
  readonly peerPort: number;
  readonly dataDir: string;
  child: ChildProcess | null;
  exited: Promise<void>;
  stderr: string;
}

/** A running etcd cluster of one or three members. */
export class EtcdCluster {
  private client: Etcd3 | null = null;

  private constructor(private readonly members: Member[], private readonly token: string) {}

  /** Start `size` members and wait until the cluster answers. */
  static async start(dir: TempDir, size: 1 | 3 = 1): Promise<EtcdCluster> {
    const token = `uw-test-${process.pid}-${Date.now()}`;
    const members: Member[] = [];
    for (let i = 0; i < size; i++) {
      const dataDir = join(dir.path, `etcd-${i}`);
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      members.push({ name: `e${i}`, clientPort: await freePort(), peerPort: await freePort(), dataDir, child: null, exited: Promise.resolve(), stderr: '' });
    }
    const cluster = new EtcdCluster(members, token);
    for (let i = 0; i < size; i++) cluster.startMember(i);
    await cluster.waitHealthy();
    return cluster;
  }

  /** host:port of every member. */
  get endpoints(): string[] {
    return this.members.map((member) => `127.0.0.1:${member.clientPort}`);
  }

  /** The emperor's target for `prefix` ('/uw'). */
  spec(prefix: string): string {
    return `etcd://${this.endpoints.join(',')}${prefix}`;
  }

  /** The test's own client to all members. */
  get etcd(): Etcd3 {
    this.client ??= new Etcd3({ hosts: this.endpoints.map((endpoint) => `http://${endpoint}`) });
    return this.client;
  }

  async put(key: string, value: string): Promise<number> {
    const response = await this.etcd.put(key).value(value).exec();
    return Number(response.header.revision);
  }

  async delete(key: string): Promise<void> {
    await this.etcd.delete().key(key).exec();
  }

  /** Compact the store up to its current revision (through `client`, by default the test's): watches from older revisions are refused. */
  async compact(client: Etcd3 = this.etcd): Promise<number> {
    const revision = Number((await client.get('uw-test-none').exec()).header.revision);
    await client.kv.compact({ revision: String(revision), physical: true });
    return revision;
  }

  /** The index of the current leader (a 3-member cluster elects one within a few seconds). */
  async leader(): Promise<number> {
    return waitFor('an etcd leader', async () => {
      const [list, status] = await Promise.all([this.etcd.cluster.memberList({}), this.etcd.maintenance.status({})]).catch(() => [undefined, undefined]);
      const name = list?.members.find((member) => member.ID === status?.leader)?.name;
      const index = this.members.findIndex((member) => member.name === name);
      return index === -1 ? undefined : index;
    }, 15_000, 100);
  }

  /** (Re)start member `index` on its data directory; `clientPort` moves its client port (the emperor then cannot reach it). */
  startMember(index: number, clientPort?: number): void {
    const member = this.members[index];
    if (member === undefined || member.child !== null) return;
    const port = clientPort ?? member.clientPort;
    const peers = this.members.map((m) => `${m.name}=http://127.0.0.1:${m.peerPort}`).join(',');
    const child = spawn(ETCD_BIN, [
      '--name', member.name, '--data-dir', member.dataDir,
      '--listen-client-urls', `http://127.0.0.1:${port}`, '--advertise-client-urls', `http://127.0.0.1:${port}`,
      '--listen-peer-urls', `http://127.0.0.1:${member.peerPort}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${member.peerPort}`,
      '--initial-cluster', peers, '--initial-cluster-state', 'new', '--initial-cluster-token', this.token,
      '--heartbeat-interval', '50', '--election-timeout', '500',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    member.child = child;
    member.stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (member.stderr = (member.stderr + chunk).slice(-8000)));
    member.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    void member.exited.then(() => {
      if (member.child === child) member.child = null;
    });
  }

  /**
   * Run `fn` with a client of member `index` started on another client port, so that
   * whoever uses the usual endpoints cannot see the changes yet; the member stops after.
   */
  async hidden<T>(index: number, fn: (client: Etcd3) => Promise<T>): Promise<T> {
    const port = await freePort();
    this.startMember(index, port);
    const client = new Etcd3({ hosts: `http://127.0.0.1:${port}` });
    try {
      await waitFor('the hidden etcd member to answer', async () => ((await client.get('uw-test-health').exec().then(() => true, () => false)) ? true : undefined), 20_000, 100);
      return await fn(client);
    } finally {
      client.close();
      await this.stopMember(index);
    }
  }

  /** Stop member `index`: `signal` (SIGTERM by default; SIGKILL for a crash), SIGKILL after a grace. */
  async stopMember(index: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const member = this.members[index];
    const child = member?.child;
    if (member === undefined || child === null || child === undefined) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await member.exited;
    clearTimeout(timer);
    member.child = null;
  }

  /**
   * Wait until the cluster answers a linearizable read (which needs a leader and a quorum) through
   * any running member, or through member `only`. Each probe is a fresh one-member client with a
   * deadline, so neither a call stuck on a dead member nor the pooled client's circuit breakers
   * (opened by the errors of an election) can outlast the wait.
   */
  async waitHealthy(timeoutMs = 20_000, only?: number): Promise<void> {
    const what = only === undefined ? 'etcd to answer' : `etcd member ${only} to answer`;
    await waitFor(what, async () => {
      const live = this.members.filter((member, index) => member.child !== null && (only === undefined || index === only));
      const answers = await Promise.all(live.map((member) => probe(member.clientPort)));
      return answers.includes(true) ? true : undefined;
    }, timeoutMs, 100).catch((err: Error) => {
      throw new Error(`${err.message}\n${this.members.map((member) => `[${member.name}${member.child === null ? ', stopped' : ''}] ${member.stderr.slice(-1500)}`).join('\n')}`);
    });
  }

  /** Stop every member and close the test's client. */
  async stop(): Promise<void> {
    this.client?.close();
    this.client = null;
    await Promise.all(this.members.map((_, index) => this.stopMember(index)));
  }
}

const PROBE_DEADLINE_MS = 2_000;

/** True when the member on `clientPort` answers a linearizable read within the deadline. */
async function probe(clientPort: number): Promise<boolean> {
  const client = new Etcd3({ hosts: `http://127.0.0.1:${clientPort}` });
  try {
    await client.get('uw-test-health').options({ deadline: Date.now() + PROBE_DEADLINE_MS }).exec();
    return true;
  } catch {
    return false;
  } finally {
    client.close();
  }
}
