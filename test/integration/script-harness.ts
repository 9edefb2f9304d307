// What the script-worker tests share: the fixture scripts, a vassal file for
// one, and the PIDs that answer through the master's socket.
import { get } from '../helpers/http-client.js';
import { APPS } from '../helpers/paths.js';
import type { TempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

/** test/fixtures/apps/scripts/: unmodified apps that call listen() themselves. */
export const SCRIPTS = `${APPS}scripts/`;

/** A vassal file running `script` (a fixture name) with `processes`, on 127.0.0.1:0 unless `extra` says otherwise. */
export function scriptVassal(dir: TempDir, name: string, script: string, extra = '', processes = 2): string {
  const socket = /^(http-)?socket\s*=/m.test(extra) ? '' : 'http-socket = 127.0.0.1:0\n';
  return dir.write(name, `[uwsgi]\n${socket}script = ${SCRIPTS}${script}\nprocesses = ${processes}\n${extra}`);
}

/** Ask until `count` different worker PIDs answered "hello PID" (new connection each time). */
export async function answeringPids(port: number, count: number, path = '/'): Promise<Set<number>> {
  const pids = new Set<number>();
  await waitFor(`answers from ${count} workers`, async () => {
    const reply = await get({ port }, path);
    const pid = /^hello (\d+)/.exec(reply.body)?.[1];
    if (reply.status !== 200 || pid === undefined) throw new Error(`unexpected answer ${reply.status}: ${reply.body.slice(0, 200)}`);
    pids.add(Number(pid));
    return pids.size >= count ? pids : undefined;
  }, 15_000, 1);
  return pids;
}
