// Where the built CLIs and fixtures are, seen from dist/test/helpers.
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const UW_BIN = `${REPO_ROOT}dist/src/cli/uw.js`;
export const EMPEROR_BIN = `${REPO_ROOT}dist/src/cli/uwemperor.js`;
export const FIXTURES = `${REPO_ROOT}test/fixtures/`;
export const APPS = `${FIXTURES}apps/`;
