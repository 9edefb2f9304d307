// Runs a CommonJS bundle with the V8 code cache recorded beside it. Every
// vassal starts a master, and compiling the master's bundle (~440 KB) took
// ~15 ms of the ~56 ms a master costs over an empty Node; the cache holds the
// code V8 compiled during a whole start and stop at build time
// (scripts/code-cache.mjs), so a master deserialises it instead. V8 rejects a
// cache made by another Node or with other V8 flags, or for another source;
// then, or without one, the bundle is compiled as usual and runs the same.
//
// The bundle is written as one function expression taking CommonJS's five
// parameters (scripts/bundle-options.mjs), which is what lets it run through
// vm.Script, the API that can both take and produce a code cache.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname } from 'node:path';
import { constants, Script } from 'node:vm';

/** Set by the build only: write the code cache to this path when the process exits. */
export const CODE_CACHE_OUT_ENV = 'UW_CODE_CACHE_OUT';

type CommonJsBody = (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;

/** How the cache was used: 'accepted', 'rejected' by V8, or 'none' (no file). */
export type CodeCacheUse = 'accepted' | 'rejected' | 'none';

/** Compile `bodyPath` with the cache at `cachePath` if there is one; says how the cache was used. */
export function compileWithCodeCache(bodyPath: string, cachePath: string): { script: Script; use: CodeCacheUse } {
  const cachedData = readCache(cachePath);
  const script = new Script(readFileSync(bodyPath, 'utf8'), {
    filename: bodyPath,
    ...(cachedData !== undefined && { cachedData }),
    // Node 20 keeps this callback only for a script compiled without a cache, so the master's
    // bundle has no import() (scripts/bundle-options.mjs); a body run without a cache may use it
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const use = cachedData === undefined ? 'none' : script.cachedDataRejected === true ? 'rejected' : 'accepted';
  return { script, use };
}

/** Compile `bodyPath` (with the cache at `cachePath` if V8 takes it) and run it as the main module. */
export function runWithCodeCache(bodyPath: string, cachePath: string): CodeCacheUse {
  const { script, use } = compileWithCodeCache(bodyPath, cachePath);
  const out = process.env[CODE_CACHE_OUT_ENV];
  if (out !== undefined) {
    delete process.env[CODE_CACHE_OUT_ENV];
    // at exit, the cache has every function the start and the stop compiled
    process.once('exit', () => writeAtomically(out, script.createCachedData()));
  }
  const body = script.runInThisContext() as CommonJsBody;
  const module = new Module(bodyPath);
  module.filename = bodyPath;
  body.call(module.exports, module.exports, createRequire(bodyPath), module, bodyPath, dirname(bodyPath));
  return use;
}

function readCache(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

function writeAtomically(path: string, data: Buffer): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, data, { mode: 0o644, flag: 'wx' });
  renameSync(temporary, path);
}
