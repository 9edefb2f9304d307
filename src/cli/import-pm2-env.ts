// A PM2 app's environment as `pm2 start --env NAME` builds it: `env`, then
// `env_NAME` over it, then the `port` shortcut as PORT. A variable an ini line
// cannot hold is reported, not written half.
import { fitsOnIniLine } from './import-pm2-ini.js';

/** The variables to write, PORT as a number for the http-socket, and what was left out. */
export interface AppEnv {
  /** in the order PM2 lists them */
  readonly vars: ReadonlyArray<readonly [string, string]>;
  /** PORT, when it is a port number */
  readonly port: number | undefined;
  readonly notes: readonly string[];
}

/** Merge env, env_NAME and port from the app's attributes (canonical names). */
export function appEnv(attributes: ReadonlyMap<string, unknown>, envName: string | undefined): AppEnv {
  const notes: string[] = [];
  const merged = new Map<string, unknown>();
  addObject(merged, 'env', attributes.get('env'), notes);
  if (envName !== undefined) {
    const key = `env_${envName}`;
    if (attributes.has(key)) addObject(merged, key, attributes.get(key), notes);
    else notes.push(`${key}: not in this app (--env ${envName}): env alone is used`);
  }
  const unused = [...attributes.keys()].filter((key) => key.startsWith('env_') && key !== `env_${envName}`);
  if (unused.length > 0) notes.push(`${unused.join(', ')}: not used (pick one with --env NAME)`);
  const port = attributes.get('port');
  if (port !== undefined) merged.set('PORT', port);
  const vars: [string, string][] = [];
  for (const [name, value] of merged) {
    const text = envText(value);
    if (text === undefined) notes.push(`env ${name}: not translated: expected text, a number or a boolean`);
    else if (name === '' || name.includes('=') || !fitsOnIniLine(`${name}=${text}`)) notes.push(`env ${name}: not translated: an env line cannot hold it (a line break, "=" in the name, or spaces at an end): set it in the environment uw starts in`);
    else vars.push([name, text]);
  }
  const portText = vars.find(([name]) => name === 'PORT')?.[1];
  const portNumber = portText === undefined ? undefined : portOf(portText);
  if (portText !== undefined && portNumber === undefined) notes.push(`env PORT: "${portText}" is not a port number from 1 to 65535: no http-socket written`);
  return { vars, port: portNumber, notes };
}

function addObject(into: Map<string, unknown>, key: string, value: unknown, notes: string[]): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'object' || Array.isArray(value)) {
    notes.push(`${key}: not translated: expected an object of NAME: value`);
    return;
  }
  for (const [name, item] of Object.entries(value)) into.set(name, item);
}

function envText(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

function portOf(text: string): number | undefined {
  const port = Number(text);
  return /^\d{1,5}$/.test(text) && port >= 1 && port <= 65535 ? port : undefined;
}
