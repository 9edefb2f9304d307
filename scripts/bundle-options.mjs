// How every process bundle is built (scripts/bundle.mjs, and the bench's second
// build without counters, bench/lib/bare-build.ts): one place, so they cannot drift.
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
