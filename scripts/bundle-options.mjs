// How every process bundle is built (scripts/bundle.mjs, and the bench's second
// build without counters, bench/lib/bare-build.ts): one place, so they cannot drift.
import { build } from 'esbuild';
import { recordCodeCache } from './code-cache.mjs';

export const BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // parsed only when a .yaml config or a typo needs them; prom-client only on a /metrics scrape; etcd3 (gRPC) only for etcd:// targets
  external: ['js-yaml', 'fastest-levenshtein', 'prom-client', 'etcd3'],
  // CommonJS dependencies (pino) call require() for Node's built-ins
  banner: { js: "import { createRequire as __uwCreateRequire } from 'node:module'; const require = __uwCreateRequire(import.meta.url);" },
  logLevel: 'warning',
  plugins: [withoutPinoTransports()],
};

/**
 * pino's transports (worker threads writing logs) are never used here: every log
 * line goes to a stream of ours. Their module pulls thread-stream, worker_threads,
 * assert and module into every process at start; it is replaced by one that
 * throws if it is ever called.
 */
function withoutPinoTransports() {
  return {
    name: 'uw-without-pino-transports',
    setup(build) {
      build.onResolve({ filter: /^\.\/(lib\/)?transport$/ }, (args) =>
        /[/\\]pino[/\\]/.test(args.importer) ? { path: 'pino-transport', namespace: 'uw-stub' } : undefined);
      build.onLoad({ filter: /.*/, namespace: 'uw-stub' }, () => ({
        contents: "module.exports = function transport() { throw new Error('pino transports are not bundled in uwemperor'); };",
        loader: 'js',
      }));
    },
  };
}

/**
 * Bundle each process entry point into one file under `outdir` (dist/src/...), each at its
 * own path so the `new URL('../worker/main.cjs', import.meta.url)` paths between entry
 * points resolve the same bundled or not. `plugins` are added to the project's own.
 *
 * The master the emperor starts and every module worker are also built as CommonJS
 * (cli/uw-master.cjs, worker/main.cjs): Node 20 then runs them without its ES module
 * loader, which costs each start CPU (a worker still loads it when its app is an ES module);
 * the master also with a V8 code cache (scripts/code-cache.mjs).
 * `uw` run by hand stays the ES module; the code is the same.
 */
export async function bundleProcesses(root, outdir, plugins = []) {
  const options = { ...BUNDLE_OPTIONS, plugins: [...BUNDLE_OPTIONS.plugins, ...plugins], absWorkingDir: root };
  await build({
    ...options,
    entryPoints: ['src/cli/uw.ts', 'src/cli/uwemperor.ts', 'src/worker/script-preload.ts'],
    outdir,
    outbase: 'src',
    allowOverwrite: true,
  });
  const commonJs = {
    ...options,
    format: 'cjs',
    banner: { js: "const __uwImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__uwImportMetaUrl' },
  };
  await build({ ...commonJs, entryPoints: ['src/worker/main.ts'], outfile: `${outdir}/worker/main.cjs` });
  // the master: uw as one function expression of CommonJS's parameters (uw-master-body.cjs), which
  // uw-master.cjs compiles with the V8 code cache recorded from a real start (process/cached-script.ts).
  // Node 20 loses a script's import() callback when the script comes from a code cache, so import()
  // becomes require() here: what the master loads on demand (js-yaml, prom-client, node:http, ...) is CommonJS or built in.
  await build({
    ...commonJs,
    supported: { 'dynamic-import': false },
    entryPoints: ['src/cli/uw.ts'],
    outfile: `${outdir}/cli/uw-master-body.cjs`,
    banner: { js: `(function (exports, require, module, __filename, __dirname) { "use strict"; ${commonJs.banner.js}` },
    footer: { js: '})' },
  });
  await build({ ...commonJs, entryPoints: ['src/cli/uw-master.ts'], outfile: `${outdir}/cli/uw-master.cjs` });
  await recordCodeCache(root, `${outdir}/cli/uw-master.cjs`, `${outdir}/cli/uw-master.v8-cache`);
}
