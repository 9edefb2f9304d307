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

// The master the emperor starts, once more as CommonJS: Node 20 then loads it
// without its ES module loader, which costs a master CPU at every start. `uw`
// run by hand stays the ES module above; the code is the same.
await build({
  ...BUNDLE_OPTIONS,
  format: 'cjs',
  entryPoints: ['src/cli/uw.ts'],
  outfile: 'dist/src/cli/uw-master.cjs',
  banner: { js: "const __uwImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__uwImportMetaUrl' },
});
