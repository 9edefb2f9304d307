// Bundle each process entry point (emperor, master, module worker) into one file,
// from the TypeScript sources, over tsc's output for the same path. Node 20's ES module loader spends ~25 ms of CPU
// resolving and linking the ~60 small modules a master imports; one file per
// process starts faster and holds less, and every vassal pays it twice (master
// and worker). Rarely needed dependencies stay external, loaded on first use.
// What is built, and how: scripts/bundle-options.mjs.
import { fileURLToPath } from 'node:url';
import { bundleProcesses } from './bundle-options.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
await bundleProcesses(root, `${root}dist/src`);
