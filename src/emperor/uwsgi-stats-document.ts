// A uWSGI master's stats-server document, as the emperor shows it: uWSGI's
// fields taken over one by one (numbers that are finite and not negative,
// strings cut short, lists bounded), ours filled from them. Pure. The document
// comes from a process an app's user runs: nothing else of it is kept.
import type { MasterStatsDocument, SocketStatsDocument, WorkerStatsDocument, WorkerStatusWord } from '../stats/master-document.js';

/** At most this many workers and sockets are taken from one document. */
const MAX_ITEMS = 1_024;
const MAX_TEXT = 256;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0);
const text = (value: unknown): string => (typeof value === 'string' ? value.slice(0, MAX_TEXT) : '');
const list = (value: unknown): Json[] => (Array.isArray(value) ? value.slice(0, MAX_ITEMS).filter(isObject) : []);
const STATUS_WORDS: readonly WorkerStatusWord[] = ['idle', 'busy', 'pause', 'cheap'];

/** Our document for `raw` (uWSGI's JSON, parsed), for the vassal `vassal`; null when it is not a uWSGI stats document. */
export function fromUwsgiStats(raw: unknown, vassal: string): MasterStatsDocument | null {
  if (!isObject(raw) || !Array.isArray(raw.workers)) return null;
  const workers = list(raw.workers).map(worker);
  return {
    version: text(raw.version),
    listen_queue: num(raw.listen_queue),
    listen_queue_errors: num(raw.listen_queue_errors),
    signal_queue: 0,
    load: num(raw.load),
    pid: num(raw.pid),
    uid: num(raw.uid),
    gid: num(raw.gid),
    cwd: text(raw.cwd),
    locks: [],
    sockets: list(raw.sockets).map(socket),
    workers,
    vassal,
    generation: 0,
    paused: false,
    master_rss: 0,
    total_requests: workers.reduce((sum, one) => sum + one.requests, 0),
    total_exceptions: workers.reduce((sum, one) => sum + one.exceptions, 0),
    started: 0,
  };
}

function socket(raw: Json): SocketStatsDocument {
  return { name: text(raw.name), proto: text(raw.proto), queue: num(raw.queue), max_queue: num(raw.max_queue), shared: 0, can_offload: 0 };
}

function worker(raw: Json): WorkerStatsDocument {
  const status = STATUS_WORDS.find((word) => word === raw.status) ?? 'idle';
  const pid = num(raw.pid);
  const busy = list(raw.cores).filter((core) => core.in_request === 1).length;
  return {
    id: num(raw.id),
    pid,
    accepting: raw.accepting === 1 ? 1 : 0,
    requests: num(raw.requests),
    delta_requests: num(raw.delta_requests),
    exceptions: num(raw.exceptions),
    harakiri_count: num(raw.harakiri_count),
    signals: 0,
    signal_queue: 0,
    status,
    rss: num(raw.rss),
    vsz: num(raw.vsz),
    running_time: num(raw.running_time),
    last_spawn: num(raw.last_spawn),
    respawn_count: num(raw.respawn_count),
    tx: num(raw.tx),
    avg_rt: num(raw.avg_rt),
    apps: [],
    cores: [],
    generation: 0,
    state: pid === 0 ? 'stopped' : raw.accepting === 1 ? 'ready' : 'starting',
    kind: 'uwsgi',
    counted: true,
    in_flight: busy > 0 ? busy : status === 'busy' ? 1 : 0,
  };
}
