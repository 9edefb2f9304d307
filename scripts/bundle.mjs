// Bundle each process entry point (emperor, master, module worker) into one file,
// from the TypeScript sources, over tsc's output for the same path. Node 20's ES module loader spends ~25 ms of CPU
// resolving and linking the ~60 small modules a master imports; one file per
// process starts faster and holds less, and every vassal pays it twice (master
// and worker). Rarely needed dependencies stay external, loaded on first use.
//
// Bundled in place, each entry keeps its path under dist/src/<dir>/, so the
// `new URL('../worker/main.js', import.meta.url)` paths between entry points
// resolve the same bundled or not.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/uw.ts', 'src/cli/uwemperor.ts', 'src/worker/main.ts', 'src/worker/script-preload.ts'],
  outdir: 'dist/src',
  outbase: 'src',
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // parsed only when a .yaml config or a typo needs them; prom-client only on a /metrics scrape
  external: ['js-yaml', 'fastest-levenshtein', 'prom-client'],
  // CommonJS dependencies (pino) call require() for Node's built-ins
  banner: { js: "import { createRequire as __uwCreateRequire } from 'node:module'; const require = __uwCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
