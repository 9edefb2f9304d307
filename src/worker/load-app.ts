// Import the vassal's handler module and pick the export that handles requests.
import { pathToFileURL } from 'node:url';
import type { RequestListener } from 'node:http';
import type { Socket } from 'node:net';

export interface LoadedApp {
  /** serves the http-socket listeners */
  readonly handler: RequestListener;
  /** optional `connection` export: takes raw connections from plain `socket` listeners */
  readonly connection?: (socket: Socket) => void;
}

/** The request handler exported as `exportName` (default: the default export). */
export async function loadApp(path: string, exportName: string): Promise<LoadedApp> {
  const module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const exported = module[exportName];
  if (typeof exported !== 'function') {
    const found = exported === undefined ? 'nothing' : typeof exported;
    throw new Error(`${path}: expected export "${exportName}" to be a request handler function, found ${found}`);
  }
  const connection = module.connection;
  return {
    handler: exported as RequestListener,
    ...(typeof connection === 'function' && { connection: connection as (socket: Socket) => void }),
  };
}
