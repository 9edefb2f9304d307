// TEMPORARY: replaced by the etcdsource branch's test/helpers/etcd.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { waitFor } from './wait-for.js';
import { Etcd3 } from 'etcd3';

export interface EtcdServer {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

export async function startEtcd(): Promise<EtcdServer> {
  const dir = mkdtempSync(join(tmpdir(), 'uw-etcd-'));
  const client = await freePort();
  const peer = await freePort();
  const child: ChildProcess = spawn('/usr/bin/etcd', ['--name', 'n1', '--data-dir', join(dir, 'data'), '--listen-client-urls', `http://127.0.0.1:${client}`, '--advertise-client-urls', `http://127.0.0.1:${client}`, '--listen-peer-urls', `http://127.0.0.1:${peer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`, '--initial-cluster', `n1=http://127.0.0.1:${peer}`], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${client}`;
  const probe = new Etcd3({ hosts: endpoint });
  await waitFor('etcd', async () => ((await probe.get('x').string().then(() => true, () => undefined)) ? true : undefined), 15_000, 100);
  probe.close();
  return {
    endpoint,
    port: client,
    stop: async () => {
      child.kill('SIGKILL');
      await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(null)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
startEtcd.skipReason = existsSync('/usr/bin/etcd') ? false : 'no /usr/bin/etcd';
