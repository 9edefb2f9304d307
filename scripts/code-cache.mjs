// Records the master's V8 code cache at build time (read by src/process/cached-script.ts):
// the built master is started once, as the emperor starts one (its Node flags, no
// NODE_OPTIONS), with one worker serving a one-line app on a UNIX socket in a
// temporary directory, and is stopped once ready; at exit it writes the code V8
// compiled meanwhile. Nothing listens on the network. If that fails the build
// goes on without a cache, and masters compile their bundle as before.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const READY = '"msg":"master ready"';
const DEADLINE_MS = 30_000;

/** Start `masterBin` once and leave its code cache at `cachePath`; `root` is the checkout (for the built Node flags). */
export async function recordCodeCache(root, masterBin, cachePath) {
  // a cache left from an earlier bundle must never meet a new one (V8 checks only the source's length)
  rmSync(cachePath, { force: true });
  const { MASTER_NODE_FLAGS } = await import(pathToFileURL(join(root, 'dist/src/process/thread-pools.js')).href);
  const dir = mkdtempSync(join(tmpdir(), 'uw-code-cache-'));
  try {
    writeFileSync(join(dir, 'app.mjs'), 'export default (req, res) => { res.end(); };\n');
    const args = [...MASTER_NODE_FLAGS, masterBin, '--http-socket', join(dir, 'app.sock'), '--module', join(dir, 'app.mjs'), '--processes', '1'];
    const problem = await startAndStop(args, dir, cachePath);
    if (problem === null) statSync(cachePath);
    else console.warn(`bundle: no code cache for the master (${problem}); masters compile their bundle at start`);
  } catch (err) {
    console.warn(`bundle: no code cache for the master (${err.message}); masters compile their bundle at start`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Run the master until ready, then SIGINT it; null when it exited 0 after being ready, else what went wrong. */
function startAndStop(args, cwd, cachePath) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', UW_CODE_CACHE_OUT: cachePath }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let ready = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), DEADLINE_MS);
    const read = (chunk) => {
      output = (output + chunk).slice(-4096);
      if (!ready && output.includes(READY)) {
        ready = true;
        child.kill('SIGINT');
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('error', (err) => { clearTimeout(timer); resolve(err.message); });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (ready && code === 0) resolve(null);
      else resolve(`${ready ? 'the master' : 'the master never got ready and'} exited with ${signal ?? `code ${code}`}: ${output.trim().split('\n').at(-1) ?? ''}`);
    });
  });
}
