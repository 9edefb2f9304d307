// A second build of uw for the bench only: the same master and worker bundles
// (as scripts/bundle.mjs makes them), except that the worker's RequestCounter
// is bare-counter.ts, which counts nothing. Written under dist/bench-bare/src/
// so that the master finds its worker at the same relative path.
import { pathToFileURL } from 'node:url';
import { build, type BuildOptions, type Plugin } from 'esbuild';
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

/** Build it (about a second); returns the path of its uw CLI. */
export async function buildBareUw(): Promise<string> {
  const { BUNDLE_OPTIONS } = (await import(pathToFileURL(`${ROOT}scripts/bundle-options.mjs`).href)) as { BUNDLE_OPTIONS: BuildOptions };
  await build({
    ...BUNDLE_OPTIONS,
    entryPoints: [`${ROOT}src/cli/uw.ts`, `${ROOT}src/worker/main.ts`],
    outdir: OUT,
    outbase: `${ROOT}src`,
    plugins: [bareCounter],
  });
  return BARE_UW_BIN;
}
