// The master the emperor starts (dist/src/cli/uw-master.cjs): uw's own code,
// bundled as uw-master-body.cjs, run with the V8 code cache the build recorded
// (process/cached-script.ts).
import { fileURLToPath } from 'node:url';
import { runWithCodeCache } from '../process/cached-script.js';

runWithCodeCache(fileURLToPath(new URL('./uw-master-body.cjs', import.meta.url)), fileURLToPath(new URL('./uw-master.v8-cache', import.meta.url)));
