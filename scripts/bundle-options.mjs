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
};
