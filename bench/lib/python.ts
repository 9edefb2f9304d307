// The python3 the exec vassals run: the real interpreter, not a version
// manager's shim (pyenv's shim is a bash script that costs a fork and exec of
// bash and pyenv on every start), plus what that shim would cost.
import { execFileSync, spawnSync } from 'node:child_process';
import { median } from './stats.js';

/** Absolute path of the interpreter `python3` resolves to. */
export function realPython(): string {
  return execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8', timeout: 10_000 }).trim();
}

/** Median wall time (ms) of `command -c pass` over `runs` runs. */
export function pythonStartMs(command: string, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    spawnSync(command, ['-c', 'pass'], { stdio: 'ignore', timeout: 10_000 });
    times.push(performance.now() - started);
  }
  return median(times);
}
