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
import { BUNDLE_OPTIONS } from './bundle-options.mjs';

await build({
  ...BUNDLE_OPTIONS,
  entryPoints: ['src/cli/uw.ts', 'src/cli/uwemperor.ts', 'src/worker/main.ts', 'src/worker/script-preload.ts'],
  outdir: 'dist/src',
  outbase: 'src',
  allowOverwrite: true,
});
