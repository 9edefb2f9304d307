// Signal handlers only enqueue: the work runs later, on the main loop, one
// command at a time and in arrival order, never inside the handler.

/** A FIFO of commands drained on the next turn of the event loop. */
export class CommandQueue<C> {
  private readonly pending: C[] = [];
  private scheduled = false;

  constructor(
    private readonly run: (command: C) => void,
    private readonly schedule: (drain: () => void) => void = (drain) => void setImmediate(drain),
  ) {}

  push(command: C): void {
    this.pending.push(command);
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => this.drain());
  }

  private drain(): void {
    this.scheduled = false;
    for (let command = this.pending.shift(); command !== undefined; command = this.pending.shift()) this.run(command);
  }
}
