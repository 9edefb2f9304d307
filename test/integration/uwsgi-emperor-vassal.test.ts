// uw under a real uWSGI Emperor (Debian's uwsgi, installed by .ci/run):
// `uwsgi --emperor DIR --emperor-wrapper W` runs a uw vassal, which serves,
// reloads gracefully on a touch (same master, new workers, no failed request),
// stops on rm, and leaves no process behind when that Emperor is SIGKILLed. A
// plain Emperor runs uw for one file through its privileged-binary-patch.
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../helpers/free-port.js';
import { tryGet } from '../helpers/http-client.js';
import { startLoad } from '../helpers/load.js';
import { APPS, UW_BIN } from '../helpers/paths.js';
import { TempDir } from '../helpers/temp-dir.js';
import { childrenOf, descendantsOf, isAlive, waitFor } from '../helpers/wait-for.js';

const probe = spawnSync('uwsgi', ['--version'], { encoding: 'utf8' });
const missing = probe.error !== undefined ? 'uwsgi is not installed (apt-get install uwsgi; .ci/run does)' : false;
// uWSGI executes privileged-binary-patch only when it runs as root
const notRoot = process.getuid?.() !== 0 ? 'privileged-binary-patch is executed by a uWSGI running as root only' : false;

const dir = new TempDir();
const emperors = new Set<UwsgiEmperor>();
afterEach(async () => {
  await Promise.all([...emperors].map((emperor) => emperor.kill()));
});
after(() => dir.remove());

/** A real `uwsgi --emperor DIR`: its own lines (stderr) and its uw vassals' JSON lines (stdout, inherited). */
class UwsgiEmperor {
  readonly child: ChildProcess;
  text = '';
  readonly lines: Record<string, unknown>[] = [];
  private partial = '';

  constructor(readonly vassals: string, args: readonly string[]) {
    this.child = spawn('uwsgi', ['--emperor', vassals, '--emperor-freq', '1', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    emperors.add(this);
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.text += chunk));
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.read(chunk));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  private read(chunk: string): void {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    for (const text of parts) {
      try {
        if (text.startsWith('{')) this.lines.push(JSON.parse(text) as Record<string, unknown>);
      } catch {
        // an app's own output
      }
    }
  }

  find(msg: string): Record<string, unknown>[] {
    return this.lines.filter((line) => line.msg === msg);
  }

  /** Wait for a line of uWSGI's (regex) or of uw's (msg). */
  async waitFor(what: RegExp | string, timeoutMs = 30_000): Promise<void> {
    const seen = (): true | undefined => ((typeof what === 'string' ? this.find(what).length > 0 : what.test(this.text)) ? true : undefined);
    await waitFor(String(what), seen, timeoutMs).catch((err: Error) => {
      throw new Error(`${err.message}\n--- uWSGI:\n${this.text.slice(-3000)}\n--- uw:\n${JSON.stringify(this.lines.slice(-20))}`);
    });
  }

  /** SIGKILL it and everything it started; wait until all are gone. */
  async kill(): Promise<void> {
    const pids = [this.pid, ...descendantsOf(this.pid)].filter((pid) => pid > 1);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    emperors.delete(this);
    await waitFor('the Emperor and its vassals to exit', () => (pids.every((pid) => !isAlive(pid)) ? true : undefined), 10_000);
  }
}

/** What `npm install -g` would put on PATH as uw: an executable that runs our uw. */
function uwWrapper(): string {
  const path = dir.file('uw');
  writeFileSync(path, `#!/bin/sh\nexec ${process.execPath} ${UW_BIN} "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

function vassalsDir(name: string): string {
  const path = join(dir.path, name);
  mkdirSync(path);
  return path;
}

/** The reply "hello PID VERSION" of hello.mjs, once it serves. */
function serving(port: number): Promise<string[]> {
  return waitFor(`uw serving on ${port}`, async () => {
    const reply = await tryGet({ port });
    return reply?.status === 200 ? reply.body.split(' ') : undefined;
  }, 30_000, 50);
}

/** A pid's command line, to tell uw from uWSGI. */
function commandLine(pid: number): string {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
}

describe('uw under a real uWSGI Emperor', { skip: missing }, () => {
  it('--emperor-wrapper: serves (1, 5, 17 seen by the Emperor), --vassal-set applies, touch reloads gracefully, rm stops it', async () => {
    const port = await freePort();
    const vassals = vassalsDir('wrapped');
    const emperor = new UwsgiEmperor(vassals, ['--emperor-wrapper', uwWrapper(), '--vassal-set', 'env=VERSION=set-by-emperor']);
    const file = join(vassals, 'app.ini');
    writeFileSync(file, `[uwsgi]\nhttp-socket = 127.0.0.1:${port}\nmodule = ${APPS}hello.mjs\nprocesses = 2\n`);
    await emperor.waitFor(/vassal app\.ini has been spawned/);
    await emperor.waitFor(/vassal app\.ini is ready to accept requests/);
    const [kind, , version] = await serving(port);
    assert.deepEqual([kind, version], ['hello', 'set-by-emperor']);
    await emperor.waitFor(/vassal app\.ini is now loyal/);
    const master = Number(emperor.find('master started')[0]?.pid);
    assert.deepEqual(childrenOf(emperor.pid), [master], 'uw is the vassal itself');
    assert.match(commandLine(master), /^uw master \(app\.ini\)/);
    const oldWorkers = childrenOf(master);
    assert.equal(oldWorkers.length, 2);

    const load = startLoad(port, { keepAlive: 2, fresh: 1 });
    let newWorkers: number[];
    try {
      await waitFor('requests flowing', () => (load.result.ok > 20 ? true : undefined), 30_000);
      // uWSGI compares whole-second mtimes: a later second, without waiting for it
      const mtime = Math.floor(statSync(file).mtimeMs / 1000) + 2;
      utimesSync(file, mtime, mtime);
      await emperor.waitFor(/reload the uwsgi instance app\.ini/);
      await emperor.waitFor('reload finished');
      await waitFor('the old workers to exit', () => (oldWorkers.every((pid) => !isAlive(pid)) ? true : undefined), 30_000);
      // an old worker may stay a zombie for a moment after its exit
      newWorkers = await waitFor('two new workers', () => {
        const live = childrenOf(master).filter(isAlive);
        return live.length === 2 ? live : undefined;
      });
      assert.ok(newWorkers.every((pid) => !oldWorkers.includes(pid)), 'new workers');
      await waitFor('answers from the new workers', () => (newWorkers.some((pid) => load.result.pids.has(String(pid))) ? true : undefined), 30_000);
    } finally {
      await load.stop();
    }
    assert.equal(load.result.failed, 0, load.result.errors.slice(0, 5).join('\n'));
    assert.equal(emperor.find('master started').length, 1, 'the same master');
    assert.ok(isAlive(master));

    rmSync(file);
    await emperor.waitFor(/removed uwsgi instance app\.ini/);
    await waitFor('no uw process left', () => ([master, ...newWorkers].every((pid) => !isAlive(pid)) ? true : undefined), 10_000);
    assert.deepEqual(descendantsOf(emperor.pid), []);
    assert.equal(emperor.find('master stopped').length, 1);
  });

  it('privileged-binary-patch runs uw for one file under a plain Emperor; SIGKILL of that Emperor leaves no uw process', { skip: notRoot }, async () => {
    const port = await freePort();
    const vassals = vassalsDir('plain');
    const emperor = new UwsgiEmperor(vassals, []);
    writeFileSync(join(vassals, 'node.ini'), `[uwsgi]\nprivileged-binary-patch = ${uwWrapper()}\nhttp-socket = 127.0.0.1:${port}\nmodule = ${APPS}hello.mjs\nprocesses = 2\n`);
    await emperor.waitFor(/vassal node\.ini is ready to accept requests/);
    const [kind, pid] = await serving(port);
    assert.equal(kind, 'hello', 'uw serves it, not uWSGI');
    const processes = descendantsOf(emperor.pid);
    assert.equal(processes.length, 3, 'one uw master and its two workers');
    assert.ok(processes.includes(Number(pid)));
    assert.match(commandLine(childrenOf(emperor.pid)[0] ?? 0), /^uw master \(node\.ini\)/);

    process.kill(emperor.pid, 'SIGKILL');
    await waitFor('no uw process left', () => (processes.every((each) => !isAlive(each)) ? true : undefined), 10_000);
    emperors.delete(emperor);
  });
});
