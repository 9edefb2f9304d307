// uw as the vassal of a real uWSGI Emperor: the socketpair end it passed as
// UWSGI_EMPEROR_FD. Each byte read becomes a master command (as a signal
// would); the master's own messages to an emperor become the bytes uWSGI's
// vassals send. EOF (or a broken socket) means the Emperor is gone: stop, as
// uWSGI's vassals do. uwsgi-emperor-bytes.ts says which byte is which.
import { Socket } from 'node:net';
import type { VassalConfig } from '../config/vassal-config.js';
import type { MasterToEmperor } from '../ipc/protocol.js';
import type { Logger } from '../log/logger.js';
import { watchLoyalty } from './loyalty-watch.js';
import type { MasterCommand } from './signals.js';
import { bytesFor, commandForByte, FIRST_REPORT, TO_EMPEROR, type EmperorReport } from './uwsgi-emperor-bytes.js';
import type { WorkerPool } from './worker-pool.js';

/** What the link needs from its master. */
export interface UwsgiEmperorLinkDeps {
  readonly fd: number;
  readonly log: Logger;
  readonly pool: WorkerPool;
  readonly config: () => VassalConfig;
  /** a command from the Emperor: a byte, or 'stop' once it is gone */
  readonly onCommand: (command: MasterCommand) => void;
}

/** The master's end of a uWSGI Emperor's socketpair. */
export class UwsgiEmperorLink {
  private socket: Socket | null = null;
  private report: EmperorReport = FIRST_REPORT;
  private loyalty: { stop(): void } | null = null;
  private gone = false;

  constructor(private readonly deps: UwsgiEmperorLinkDeps) {}

  /** Start reading the Emperor's bytes. */
  open(): void {
    const socket = new Socket({ fd: this.deps.fd, readable: true, writable: true });
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      for (const byte of chunk) this.receive(byte);
    });
    socket.on('end', () => this.lost('the uWSGI Emperor closed its end'));
    socket.on('error', (err) => this.lost(err.message));
    this.deps.log.info({ fd: this.deps.fd }, 'governed by a uWSGI Emperor');
  }

  /** Tell the Emperor what `message` means in its protocol, if anything. */
  tell(message: MasterToEmperor): void {
    const { bytes, report } = bytesFor(message, this.report);
    this.report = report;
    this.write(bytes);
    if (message.type === 'master-ready' && this.loyalty === null) this.watchLoyalty();
  }

  /** True when the Emperor has a byte for `message` (FIFO B does; FIFO E has none). */
  hears(message: MasterToEmperor): boolean {
    return bytesFor(message, this.report).bytes.length > 0;
  }

  /** The master is stopping: no more loyalty checks (the socket closes as the process exits). */
  quiet(): void {
    this.loyalty?.stop();
  }

  private watchLoyalty(): void {
    const { pool, config, log } = this.deps;
    this.loyalty = watchLoyalty({
      pool,
      config,
      log,
      onLoyal: () => {
        log.info({}, 'first request served: loyal to the uWSGI Emperor');
        this.write([TO_EMPEROR.loyal]);
      },
    });
  }

  private receive(byte: number): void {
    const command = commandForByte(byte);
    if (command === null) return this.deps.log.warn({ byte }, 'unknown byte from the uWSGI Emperor, ignored');
    this.deps.log.info({ byte, command }, 'command from the uWSGI Emperor');
    this.deps.onCommand(command);
  }

  private write(bytes: readonly number[]): void {
    if (bytes.length === 0 || this.gone || this.socket === null) return;
    this.socket.write(Uint8Array.from(bytes));
  }

  /** The Emperor is gone: a vassal never outlives it. Said once. */
  private lost(why: string): void {
    if (this.gone) return;
    this.gone = true;
    this.deps.log.warn({ why }, 'lost the uWSGI Emperor, stopping');
    this.socket?.destroy();
    this.deps.onCommand('stop');
  }
}
