import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UwError } from '../../src/errors.js';
import { parseVassalAttributes, vassalAttributesOf, type VassalAttributes } from '../../src/emperor/vassal-attributes.js';
import { readVassalFile } from '../../src/emperor/vassal-file-read.js';
import { TempDir } from '../helpers/temp-dir.js';

/** The file read once, as the emperor does, and its [emperor] section. */
async function readVassalAttributes(file: string): Promise<VassalAttributes | null> {
  const read = await readVassalFile(file);
  return read === null ? null : vassalAttributesOf(read.text, file);
}

const at = (key: string, value: string | true) => ({ key, value, file: '/v/app.ini' });

describe('vassal attributes ([emperor] section)', () => {
  it('types every declared attribute', () => {
    const attrs = parseVassalAttributes([at('binary', '/usr/bin/uwsgi'), at('instances', '2'), at('hosts', 'web-*'), at('labels', 'ssd, eu'), at('labels', 'big')]);
    assert.deepEqual({ ...attrs }, { binary: '/usr/bin/uwsgi', instances: 2, hosts: 'web-*', labels: ['ssd', 'eu', 'big'] });
  });

  it('refuses an unknown name and a bad count, naming the file and key', () => {
    assert.throws(() => parseVassalAttributes([at('binray', '/x')]), (err: unknown) => err instanceof UwError && err.code === 'UW_CONFIG_UNKNOWN_OPTION' && /binray/.test(err.message));
    assert.throws(() => parseVassalAttributes([at('instances', '0')]), (err: unknown) => err instanceof UwError && err.code === 'UW_CONFIG_INVALID_VALUE');
  });

  it('reads the section from ini and YAML files, and nothing from a file without it', async () => {
    const dir = new TempDir();
    try {
      const ini = dir.write('a.ini', '[uwsgi]\nhttp-socket = :0\n[emperor]\nbinary = /usr/bin/uwsgi\n');
      assert.equal((await readVassalAttributes(ini))?.binary, '/usr/bin/uwsgi');
      const yaml = dir.write('b.yaml', 'uwsgi:\n  http-socket: ":0"\nemperor:\n  instances: 3\n');
      assert.equal((await readVassalAttributes(yaml))?.instances, 3);
      const plain = dir.write('c.ini', '[uwsgi]\nhttp-socket = :0\n');
      assert.deepEqual({ ...(await readVassalAttributes(plain)) }, {});
    } finally {
      dir.remove();
    }
  });
});
