// Where the built CLIs and fixtures are, seen from dist/test/helpers.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const UW_BIN = `${REPO_ROOT}dist/src/cli/uw.js`;
export const EMPEROR_BIN = `${REPO_ROOT}dist/src/cli/uwemperor.js`;
export const FIXTURES = `${REPO_ROOT}test/fixtures/`;
export const APPS = `${FIXTURES}apps/`;
/** python3 for exec workers: the system's when present (a pyenv shim first on PATH takes seconds to start on a loaded machine). */
export const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
