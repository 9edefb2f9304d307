// Read a PM2 ecosystem file the way PM2 does: a .js/.cjs/.mjs file is
// imported (so it runs, as under `pm2 start`), .json is parsed, .yaml/.yml go
// through js-yaml (imported only here). It holds `{ apps: [...] }`, a bare
// array of apps, or one app object.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The apps and the top-level keys that are not apps (deploy, ...). */
export interface Ecosystem {
  readonly apps: readonly unknown[];
  readonly otherKeys: readonly string[];
}

/** An ecosystem file that cannot be used: one line, naming the file (exit 2). */
export class EcosystemError extends Error {}

const FORMATS: Readonly<Record<string, 'js' | 'json' | 'yaml'>> = { '.js': 'js', '.cjs': 'js', '.mjs': 'js', '.json': 'json', '.yaml': 'yaml', '.yml': 'yaml' };

/** Load `file` (absolute); throws EcosystemError. */
export async function loadEcosystem(file: string): Promise<Ecosystem> {
  const format = FORMATS[path.extname(file).toLowerCase()];
  if (format === undefined) throw new EcosystemError(`${file}: expected a .js, .cjs, .mjs, .json, .yaml or .yml ecosystem file`);
  const value = format === 'js' ? await importModule(file) : await parseText(file, format);
  return appsOf(value, file);
}

async function importModule(file: string): Promise<unknown> {
  try {
    const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
    // CommonJS and `export default` land on default; named exports alone are the namespace
    return module.default !== undefined ? module.default : { ...module };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && !(await exists(file))) throw new EcosystemError(`${file}: cannot read it: no such file`);
    throw new EcosystemError(`${file}: cannot load it: ${firstLine(err)}${syntaxErrorLine(err, file)}`);
  }
}

async function parseText(file: string, format: 'json' | 'yaml'): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new EcosystemError(`${file}: cannot read it: ${(err as NodeJS.ErrnoException).code ?? firstLine(err)}`);
  }
  try {
    if (format === 'json') return JSON.parse(text) as unknown;
    const yaml = await import('js-yaml');
    return yaml.load(text);
  } catch (err) {
    throw new EcosystemError(`${file}: not valid ${format === 'json' ? 'JSON' : 'YAML'}: ${firstLine(err)}`);
  }
}

function appsOf(value: unknown, file: string): Ecosystem {
  if (Array.isArray(value)) return { apps: value, otherKeys: [] };
  if (typeof value !== 'object' || value === null) throw new EcosystemError(`${file}: expected { apps: [...] }, an array of apps or one app, found ${value === null ? 'null' : typeof value}`);
  const record = value as Record<string, unknown>;
  if (!Object.hasOwn(record, 'apps')) {
    if (Object.hasOwn(record, 'script')) return { apps: [record], otherKeys: [] };
    throw new EcosystemError(`${file}: no "apps" key (expected { apps: [...] })`);
  }
  const apps = record.apps;
  return { apps: Array.isArray(apps) ? apps : [apps], otherKeys: Object.keys(record).filter((key) => key !== 'apps') };
}

async function exists(file: string): Promise<boolean> {
  try {
    await readFile(file);
    return true;
  } catch {
    return false;
  }
}

/** A CommonJS syntax error's stack starts with `FILE:LINE`: worth showing, since the message has no position. */
function syntaxErrorLine(err: unknown, file: string): string {
  if (!(err instanceof SyntaxError)) return '';
  const where = err.stack?.split('\n')[0] ?? '';
  return where.startsWith(`${file}:`) && /:\d+$/.test(where) ? ` (line ${where.slice(file.length + 1)})` : '';
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}` : String(err);
  return text.split('\n')[0] ?? text;
}
