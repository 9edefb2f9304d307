// A second build of uw for the bench only: the same master and worker bundles
// (as scripts/bundle.mjs makes them), except that the worker's RequestCounter
// is bare-counter.ts, which counts nothing. Written under dist/bench-bare/src/
// so that the master finds its worker at the same relative path.
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import { ROOT } from './paths.js';

const OUT = `${ROOT}dist/bench-bare/src`;
/** the uw CLI of the build without counters */
export const BARE_UW_BIN = `${OUT}/cli/uw.js`;

const bareCounter: Plugin = {
  name: 'bare-counter',
  setup(plugin) {
    plugin.onResolve({ filter: /\/request-counter\.js$/ }, () => ({ path: `${ROOT}bench/lib/bare-counter.ts` }));
  },
};

/** Build it (a few seconds); returns the path of its uw CLI. */
export async function buildBareUw(): Promise<string> {
  const { bundleProcesses } = (await import(pathToFileURL(`${ROOT}scripts/bundle-options.mjs`).href)) as {
    bundleProcesses: (root: string, outdir: string, plugins: Plugin[]) => Promise<void>;
  };
  await bundleProcesses(ROOT, OUT, [bareCounter]);
  return BARE_UW_BIN;
}
