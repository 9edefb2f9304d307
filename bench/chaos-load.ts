// In-process HTTP load for the chaos run: per vassal port, keep-alive loops and
// new-connection loops. Every request is accounted, and a kill marks the
// requests it may take down (in flight on a process it kills), so that each
// failure can be checked against what was in flight: in process, the marking
// happens in the same instant as the kill, with no message in between.
import { Agent, request, type ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import { ChaosLedger, type Kill, type PendingRequest } from './chaos-ledger.js';

/** How a client loop connects: one connection reused, or a new one per request. */
export type LoadMode = 'keep-alive' | 'new-connection';

/** The load per vassal port. */
export interface LoadShape {
  readonly keepAlive: number;
  readonly fresh: number;
  /** pause between two requests of one loop (keeps the load light on a shared machine) */
  readonly gapMs: number;
  readonly timeoutMs: number;
}

/** The worker PID a keep-alive connection is attached to: the number that ends the app's answer. */
const attached = new WeakMap<Socket, number>();

/** The client loops on every vassal port, and the ledger of their requests. */
export class ChaosLoad {
  readonly ledger = new ChaosLedger();
  private running = true;
  private readonly loops: Promise<void>[] = [];
  private readonly agents: Agent[] = [];

  constructor(ports: readonly number[], private readonly shape: LoadShape) {
    for (const port of ports) {
      for (let i = 0; i < shape.keepAlive; i++) {
        const agent = new Agent({ keepAlive: true, maxSockets: 1 });
        this.agents.push(agent);
        this.loops.push(this.loop(port, 'keep-alive', agent));
      }
      for (let i = 0; i < shape.fresh; i++) this.loops.push(this.loop(port, 'new-connection', false));
    }
  }

  /** Mark what `kill` may take down, from now until close(kill). */
  open(kill: Kill): void {
    this.ledger.open(kill);
  }

  close(kill: Kill): void {
    this.ledger.close(kill);
  }

  /** Stop the loops and wait for their last requests. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    for (const agent of this.agents) agent.destroy();
  }

  private async loop(port: number, mode: LoadMode, agent: Agent | false): Promise<void> {
    while (this.running) {
      await this.once(port, mode, agent);
      if (this.shape.gapMs > 0) await new Promise((resolve) => setTimeout(resolve, this.shape.gapMs));
    }
  }

  private once(port: number, mode: LoadMode, agent: Agent | false): Promise<void> {
    return new Promise((resolve) => {
      const pending: PendingRequest = { port, mode, sentAt: Date.now(), socketPid: undefined, exposedTo: null };
      let socket: Socket | null = null;
      const headers = mode === 'new-connection' ? { connection: 'close' } : {};
      const req: ClientRequest = request({ host: '127.0.0.1', port, path: '/', agent, headers, timeout: this.shape.timeoutMs }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          const pid = Number(/(\d+)\s*$/.exec(body)?.[1]);
          if (Number.isInteger(pid) && socket !== null) attached.set(socket, pid);
          this.ledger.settle(pending, res.statusCode === 200 ? null : `status-${res.statusCode}`);
          resolve();
        });
        res.on('error', (err: NodeJS.ErrnoException) => {
          this.ledger.settle(pending, err.code ?? err.message);
          resolve();
        });
      });
      req.on('socket', (assigned: Socket) => {
        socket = assigned;
        pending.socketPid = req.reusedSocket ? attached.get(assigned) : undefined;
        this.ledger.sent(pending);
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })));
      req.on('error', (err: NodeJS.ErrnoException) => {
        this.ledger.settle(pending, err.code ?? err.message);
        resolve();
      });
      req.end();
    });
  }
}
