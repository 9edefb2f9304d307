// Import the vassal's handler module and pick the export that handles requests.
import { pathToFileURL } from 'node:url';
import type { RequestListener } from 'node:http';
import type { Socket } from 'node:net';

export interface LoadedApp {
  /** serves the http-socket and socket (uwsgi) listeners; absent from a module that only exports `connection` */
  readonly handler?: RequestListener;
  /** optional `connection` export: takes raw connections from raw-socket listeners */
  readonly connection?: (socket: Socket) => void;
}

/** The request handler exported as `exportName` (default: the default export), and the `connection` export. */
export async function loadApp(path: string, exportName: string): Promise<LoadedApp> {
  const module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const exported = module[exportName];
  const connection = module.connection;
  // a module of raw connections only (raw-socket) needs no request handler
  if (exported === undefined && typeof connection === 'function') return { connection: connection as (socket: Socket) => void };
  if (typeof exported !== 'function') {
    const found = exported === undefined ? 'nothing' : typeof exported;
    throw new Error(`${path}: expected export "${exportName}" to be a request handler function, found ${found}`);
  }
  return {
    handler: exported as RequestListener,
    ...(typeof connection === 'function' && { connection: connection as (socket: Socket) => void }),
  };
}
