// A real nginx (Debian's nginx-light) for tests: run in the foreground on
// loopback with every file in a test's directory (see shared notes on real
// peers), each server block passing to one uwsgi upstream with nginx's own
// uwsgi_params. stopNginx() (from afterEach) ends every one started, pass or fail.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { tryGet } from './http-client.js';
import { waitFor } from './wait-for.js';

export const NGINX = '/usr/sbin/nginx';
const UWSGI_PARAMS = '/etc/nginx/uwsgi_params';

/** Why nginx tests cannot run here, or undefined when they can. */
export function nginxMissing(): string | undefined {
  if (!existsSync(NGINX) || !existsSync(UWSGI_PARAMS)) return `nginx is not installed (${NGINX}, ${UWSGI_PARAMS}): apt-get install nginx-light`;
  return undefined;
}

export interface RunningNginx {
  readonly child: ChildProcess;
  /** one loopback port per upstream, in the order given */
  readonly ports: readonly number[];
  readonly errorLog: string;
}

const running = new Set<ChildProcess>();

/** Start nginx in `dir` with one server block per upstream ("127.0.0.1:PORT" or "unix:/path"), answering once all listen. */
export async function startNginx(dir: string, upstreams: readonly string[]): Promise<RunningNginx> {
  mkdirSync(dir, { recursive: true });
  const ports: number[] = [];
  while (ports.length < upstreams.length) ports.push(await freePort());
  const servers = upstreams.map((upstream, i) => `  server {\n    listen 127.0.0.1:${ports[i]};\n    location / {\n      include ${UWSGI_PARAMS};\n      uwsgi_pass ${upstream};\n    }\n  }\n`);
  const errorLog = join(dir, 'error.log');
  const conf = join(dir, 'nginx.conf');
  const temp = (name: string): string => `  ${name}_temp_path ${join(dir, name)};\n`;
  writeFileSync(conf, [
    // as root, workers would run as nobody, who cannot enter the test's 0700 directory
    process.geteuid?.() === 0 ? 'user root root;\n' : '',
    `pid ${join(dir, 'nginx.pid')};\nerror_log ${errorLog};\ndaemon off;\nworker_processes 1;\nevents {}\n`,
    'http {\n  access_log off;\n  client_max_body_size 16m;\n',
    temp('client_body'), temp('proxy'), temp('uwsgi'), temp('fastcgi'), temp('scgi'),
    ...servers,
    '}\n',
  ].join(''));
  const child = spawn(NGINX, ['-c', conf, '-p', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  for (const port of ports) {
    await waitFor(`nginx to listen on ${port}`, async () => {
      if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${stderr}`);
      return (await tryGet({ port })) === undefined ? undefined : true;
    }, 10_000, 50);
  }
  return { child, ports, errorLog };
}

/** Stop every nginx started: SIGQUIT (graceful), SIGKILL after a grace. */
export async function stopNginx(): Promise<void> {
  await Promise.all([...running].map(async (child) => {
    running.delete(child);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGQUIT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }));
}
