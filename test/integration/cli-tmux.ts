// A real pseudo-terminal for `uwemperor top`'s tests: a tmux server of the
// test's own (-L NAME), one session of a fixed size, keys sent and the screen
// read back; kill() ends the server and everything in it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { childrenOf, waitFor } from '../helpers/wait-for.js';

/** Whether tmux can be run here (tests that need it are skipped otherwise). */
export const hasTmux = spawnable('tmux', ['-V']);

function spawnable(program: string, args: readonly string[]): boolean {
  try {
    execFileSync(program, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** One tmux server of our own (-L), one session, a fixed size. */
export class Tmux {
  private static count = 0;
  readonly server = `uw-top-${process.pid}-${++Tmux.count}`;

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.server, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  }

  /** Start `command` (run by sh) in a `width` x 24 pane. */
  start(command: string, width = 160): void {
    this.tmux('new-session', '-d', '-s', 'top', '-x', String(width), '-y', '24', command);
  }

  /** The pane's text; with `attributes`, with the escape sequences of its colours and attributes. */
  screen(attributes = false): string {
    return this.tmux('capture-pane', '-p', ...(attributes ? ['-e'] : []), '-t', 'top');
  }

  /** A tmux format about the pane, e.g. #{alternate_on}. */
  pane(format: string): string {
    return this.tmux('display-message', '-p', '-t', 'top', format).trim();
  }

  /** The pid of the pane's process whose command line (NUL-separated) has `needle`: the shell may have exec'ed it, or run it as a child. */
  pidOf(needle: string): number | undefined {
    const shell = Number(this.pane('#{pane_pid}'));
    return [shell, ...childrenOf(shell)].find((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle);
      } catch {
        return false;
      }
    });
  }

  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', 'top', ...keys);
  }

  /** Wait until the screen matches, return it. */
  waitForScreen(what: RegExp, timeoutMs = 10_000): Promise<string> {
    return waitFor(`the screen to match ${what}`, () => {
      const screen = this.screen();
      return what.test(screen) ? screen : undefined;
    }, timeoutMs).catch((err: Error) => {
      throw new Error(`${err.message}\n--- screen:\n${this.screen()}`);
    });
  }

  kill(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // already gone
    }
  }
}

/** `text` quoted for sh. */
export const quote = (text: string): string => `'${text.replace(/'/g, "'\\''")}'`;
