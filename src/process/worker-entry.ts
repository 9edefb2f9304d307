// The file a module worker runs: our worker bundled as CommonJS (scripts/bundle-options.mjs),
// which starts without Node's ES module loader unless the app itself is an ES module.
import { fileURLToPath } from 'node:url';

/** dist/src/process/worker-entry.js -> dist/src/worker/main.cjs */
export const WORKER_ENTRY = fileURLToPath(new URL('../worker/main.cjs', import.meta.url));
