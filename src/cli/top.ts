// `uwemperor top`: a live view of every vassal, like uwsgitop. A thin loop
// around pure parts: read the emperor's document every second (one read at a
// time), feed the model, redraw; keys change the selection. The terminal is
// given back (raw mode off, cursor shown, alternate screen left) on every way
// out: q, Ctrl-C, a signal, an error, even an exception nobody caught.
import { defaultControlPath } from '../emperor/control-path.js';
import { UwError } from '../errors.js';
import { controlTarget, readEmperorStats, type ControlTarget } from './read-emperor-stats.js';
import { COMMON_OPTIONS, parseStatsArgs } from './stats-args.js';
import { decodeKeys } from './top-keys.js';
import { initialTop, lost, observed, pressed, type TopModel } from './top-model.js';
import { ENTER_SCREEN, LEAVE_SCREEN, paint } from './top-paint.js';
import { renderTop } from './top-render.js';

/** Shown by `uwemperor top --help`. */
export const TOP_HELP = `usage: uwemperor top [--control PATH]
A live view of every vassal, refreshed every second: requests per second
(from the difference between two reads), busiest first, with the totals above.
keys: j/k or the arrow keys select a vassal, Enter (or space) lists its
      workers, Esc hides them, g/G first/last, q or Ctrl-C quits.
  --control PATH  the emperor's control socket (default ${defaultControlPath()}),
                  or host:port of an emperor's stats address
  -h, --help      this text`;

const REFRESH_MS = 1_000;
const QUIT_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Run `uwemperor top`; returns the exit code once the user quits. */
export async function top(argv: readonly string[]): Promise<number> {
  const args = parseStatsArgs('top', argv, COMMON_OPTIONS);
  if (args.help === true) {
    process.stdout.write(`${TOP_HELP}\n`);
    return 0;
  }
  if (!process.stdin.isTTY || !process.stdout.isTTY) throw new UwError('UW_USAGE', 'top needs a terminal (for a pipe or a file: uwemperor ls or uwemperor stats)');
  const target = controlTarget(args.control);
  // no emperor at all: said on the shell's screen, as ls does, before taking it over
  const first = await readEmperorStats(target);
  return new TopScreen(target, observed(initialTop(target.where), first)).run();
}

/** The screen's loop: owns the terminal from run() until it settles. */
class TopScreen {
  private readonly stdin = process.stdin;
  private readonly stdout = process.stdout;
  private timer: NodeJS.Timeout | undefined;
  private done = false;
  private settle: (err?: unknown) => void = () => undefined;
  private readonly onKeys = (chunk: string): void => this.guard(() => this.keys(chunk));
  private readonly onResize = (): void => this.guard(() => this.draw());
  private readonly onSignal = (): void => this.finish();
  private readonly onExit = (): void => this.restore();
  private readonly onHangup = (): void => this.hangUp();

  constructor(
    private readonly target: ControlTarget,
    private model: TopModel,
  ) {}

  /** Take the terminal; resolves with the exit code, rejects (terminal restored) on an error. */
  run(): Promise<number> {
    const finished = new Promise<number>((resolve, reject) => {
      this.settle = (err) => (err === undefined ? resolve(0) : reject(err instanceof Error ? err : new Error(JSON.stringify(err))));
    });
    for (const signal of QUIT_SIGNALS) process.on(signal, this.onSignal);
    process.on('SIGHUP', this.onHangup);
    this.stdout.on('error', this.onHangup);
    process.on('exit', this.onExit); // the last resort: an exception that escaped everything
    this.stdin.setRawMode(true);
    this.stdin.setEncoding('utf8');
    this.stdin.on('data', this.onKeys);
    this.stdout.on('resize', this.onResize);
    this.stdout.write(ENTER_SCREEN);
    this.guard(() => this.draw());
    this.schedule(REFRESH_MS);
    return finished;
  }

  private keys(chunk: string): void {
    for (const key of decodeKeys(chunk)) {
      if (key === 'quit') return this.finish();
      this.model = pressed(this.model, key);
    }
    this.draw();
  }

  private async poll(): Promise<void> {
    const began = Date.now();
    try {
      this.model = observed(this.model, await readEmperorStats(this.target, REFRESH_MS * 3));
    } catch (err) {
      this.model = lost(this.model, err instanceof Error ? err.message : String(err), Date.now());
    }
    if (this.done) return;
    this.draw();
    this.schedule(REFRESH_MS - (Date.now() - began));
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.poll().catch((err: unknown) => this.finish(err));
    }, Math.max(0, delayMs));
  }

  private draw(): void {
    const width = this.stdout.columns > 1 ? this.stdout.columns : 80;
    const height = this.stdout.rows > 0 ? this.stdout.rows : 24;
    this.stdout.write(paint(renderTop(this.model, width - 1, height, Date.now()), width));
  }

  private guard(step: () => void): void {
    try {
      step();
    } catch (err) {
      this.finish(err);
    }
  }

  private finish(err?: unknown): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    this.stdin.off('data', this.onKeys).pause();
    this.stdout.off('resize', this.onResize);
    for (const signal of QUIT_SIGNALS) process.off(signal, this.onSignal);
    process.off('SIGHUP', this.onHangup);
    process.off('exit', this.onExit);
    this.restore();
    this.settle(err);
  }

  /**
   * The terminal is gone (SIGHUP, or writing to it fails): nothing to restore or
   * say. Die of SIGHUP as a program without a handler would: a normal exit
   * would have Node reset a terminal that no longer exists, and abort.
   */
  private hangUp(): void {
    this.done = true;
    clearTimeout(this.timer);
    process.off('exit', this.onExit);
    process.off('SIGHUP', this.onHangup);
    process.kill(process.pid, 'SIGHUP');
  }

  private restore(): void {
    if (this.stdin.isRaw) this.stdin.setRawMode(false);
    this.stdout.write(LEAVE_SCREEN);
  }
}
