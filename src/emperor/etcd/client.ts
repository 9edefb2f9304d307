// The one module that talks to etcd: it loads the etcd3 package on first use
// (a directory-only emperor never pays for gRPC), reads the TLS files and the
// password once, and offers the two things the source needs, a consistent
// list of a key range and a watch of it from a revision, plus the raw client
// for what the cluster code needs beyond that (leases, puts).
import { readFileSync } from 'node:fs';
import type { Etcd3, IKeyValue, IOptions, Watcher } from 'etcd3';
import { UwError } from '../../errors.js';
import type { EtcdSettings } from './etcd-settings.js';
import type { EtcdTarget } from './etcd-target.js';

/** One key as etcd holds it; revisions fit a double for millions of years of writes. */
export interface EtcdEntry {
  readonly key: string;
  readonly value: Buffer;
  readonly modRevision: number;
}

/** A change seen by a watch. */
export interface EtcdEvent {
  readonly type: 'put' | 'delete';
  readonly entry: EtcdEntry;
}

/** What a watch reports; it ends at most once: `lost` (the connection) or `canceled` (etcd refused it, e.g. compacted). */
export interface WatchHandlers {
  readonly onConnected: () => void;
  /** one watch response: its events in order, and the revision everything up to is now seen */
  readonly onEvents: (events: readonly EtcdEvent[], seenRevision: number) => void;
  readonly onEnd: (why: 'lost' | 'canceled', err: Error) => void;
}

/** A connected client for one etcd:// target. */
export interface EtcdClient {
  /** every key under `prefix`, read at one revision */
  list(prefix: string): Promise<{ readonly revision: number; readonly entries: readonly EtcdEntry[] }>;
  /** changes under `prefix` from `fromRevision` on; cancel() ends it without a report */
  watch(prefix: string, fromRevision: number, handlers: WatchHandlers): { cancel(): void };
  /** the etcd3 client itself, for leases and writes */
  readonly raw: Etcd3;
  close(): void;
}

/** Unary calls give up after this long; the caller retries with its own back-off. */
const CALL_DEADLINE_MS = 5_000;

/** Build the client (no network yet: etcd3 connects on the first call). */
export async function openEtcdClient(target: EtcdTarget, settings: EtcdSettings, env: NodeJS.ProcessEnv = process.env): Promise<EtcdClient> {
  const options = clientOptions(target, settings, env);
  const { Etcd3: Client } = await import('etcd3');
  const raw = new Client(options);
  return {
    raw,
    list: async (prefix) => {
      const response = await raw.getAll().prefix(prefix).exec();
      return { revision: Number(response.header.revision), entries: response.kvs.map(entryOf) };
    },
    watch: (prefix, fromRevision, handlers) => startWatch(raw, prefix, fromRevision, handlers),
    close: () => raw.close(),
  };
}

/** Hosts, TLS and auth from the settings; an unreadable file is a usage error naming the option. */
export function clientOptions(target: EtcdTarget, settings: EtcdSettings, env: NodeJS.ProcessEnv): IOptions {
  const tls = settings.ca !== undefined;
  if (!tls && settings.cert !== undefined) throw new UwError('UW_USAGE', 'etcd-cert and etcd-key need etcd-ca too (the servers are checked against it)');
  const options: IOptions = {
    hosts: target.endpoints.map((endpoint) => `${tls ? 'https' : 'http'}://${endpoint}`),
    dialTimeout: CALL_DEADLINE_MS,
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + CALL_DEADLINE_MS }),
  };
  if (settings.ca !== undefined) {
    options.credentials = {
      rootCertificate: readOption('etcd-ca', settings.ca),
      ...(settings.key !== undefined && { privateKey: readOption('etcd-key', settings.key) }),
      ...(settings.cert !== undefined && { certChain: readOption('etcd-cert', settings.cert) }),
    };
  }
  if (settings.user !== undefined) options.auth = { username: settings.user, password: password(settings, env) };
  return options;
}

/** The first line of --etcd-password-file, else UWEMPEROR_ETCD_PASSWORD. */
function password(settings: EtcdSettings, env: NodeJS.ProcessEnv): string {
  if (settings.passwordFile !== undefined) return readOption('etcd-password-file', settings.passwordFile).toString('utf8').split('\n')[0] ?? '';
  const fromEnv = env.UWEMPEROR_ETCD_PASSWORD;
  if (fromEnv === undefined) throw new UwError('UW_USAGE', 'etcd-user needs a password: etcd-password-file, or the UWEMPEROR_ETCD_PASSWORD variable');
  return fromEnv;
}

function readOption(option: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new UwError('UW_USAGE', `--${option}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

function entryOf(kv: IKeyValue): EtcdEntry {
  return { key: kv.key.toString('utf8'), value: kv.value, modRevision: Number(kv.mod_revision) };
}

/** One watcher; the first disconnect or error ends it (the caller decides how to go on). */
function startWatch(raw: Etcd3, prefix: string, fromRevision: number, handlers: WatchHandlers): { cancel(): void } {
  const watcher: Watcher = raw.watch().prefix(prefix).startRevision(String(fromRevision)).watcher();
  let ended = false;
  const end = (why: 'lost' | 'canceled', err: Error) => {
    if (ended) return;
    ended = true;
    stop();
    handlers.onEnd(why, err);
  };
  const stop = () => {
    watcher.removeAllListeners();
    // a handler for late errors: the library may still emit on a detached watcher
    watcher.on('error', () => undefined);
    watcher.cancel().catch(() => undefined);
  };
  watcher.on('connected', () => {
    if (!ended) handlers.onConnected();
  });
  watcher.on('data', (response) => {
    if (ended) return;
    const events = response.events.map((event): EtcdEvent => ({ type: event.type === 'Delete' ? 'delete' : 'put', entry: entryOf(event.kv) }));
    const last = events.at(-1)?.entry.modRevision;
    // a response without events is a progress notice: everything up to its header is seen
    handlers.onEvents(events, last ?? Number(response.header.revision));
  });
  watcher.on('disconnected', (err: Error) => end('lost', err));
  watcher.on('error', (err: Error) => end('canceled', err));
  return {
    cancel: () => {
      if (ended) return;
      ended = true;
      stop();
    },
  };
}
