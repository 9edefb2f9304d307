// Where things are: the built CLIs and the fixture apps (compiled from bench/apps/).
import { fileURLToPath } from 'node:url';

/** The repository root (this file runs from dist/bench/lib/). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const UW_BIN = `${ROOT}dist/src/cli/uw.js`;
export const EMPEROR_BIN = `${ROOT}dist/src/cli/uwemperor.js`;
/** compiled from bench/apps/*.ts */
export const APPS = `${ROOT}dist/bench/apps/`;
export const HELLO_APP = `${APPS}hello.js`;
