// The shipped config/emperor.ini stays valid and mentions every emperor option.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { readEmperorConfig } from '../../src/emperor/emperor-config-file.js';
import { EMPEROR_OPTION_NAMES } from '../../src/emperor/emperor-options.js';
import { buildEmperorSettings } from '../../src/emperor/emperor-settings.js';
import { REPO_ROOT } from '../helpers/paths.js';

const EXAMPLE = `${REPO_ROOT}config/emperor.ini`;

test('config/emperor.ini loads and points at vassals.example', () => {
  const settings = buildEmperorSettings(readEmperorConfig(EXAMPLE, '/'));
  assert.deepEqual(settings.targets, [`${REPO_ROOT}vassals.example`]);
  assert.equal(settings.reloadMercyMs, 65_000);
});

test('config/emperor.ini documents every option', () => {
  const text = readFileSync(EXAMPLE, 'utf8');
  for (const name of EMPEROR_OPTION_NAMES) assert.match(text, new RegExp(`^;? ?${name} =`, 'm'), name);
});
