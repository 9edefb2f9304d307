// A description of the machine and software the numbers come from.
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { ROOT } from './paths.js';

function run(command: string, args: readonly string[]): string {
  try {
    return execFileSync(command, [...args], { encoding: 'utf8', cwd: ROOT, timeout: 5_000 }).trim();
  } catch {
    return 'n/a';
  }
}

/** Markdown lines: nproc, CPU model, free -h, kernel, node, commit, NODE_* env, load average. */
export function describeMachine(): string {
  const nodeEnv = Object.entries(process.env)
    .filter(([key]) => key.startsWith('NODE_') || key === 'UV_THREADPOOL_SIZE')
    .map(([key, value]) => `${key}=${value ?? ''}`);
  return [
    `- nproc: ${run('nproc', [])}; CPU: ${cpus()[0]?.model ?? 'n/a'}; load average at start: ${loadavg().map((n) => n.toFixed(2)).join(' ')}`,
    `- kernel: ${run('uname', ['-sr'])}; node ${process.version}; python3: ${run('python3', ['--version'])}`,
    `- git commit: ${run('git', ['rev-parse', '--short', 'HEAD'])}${run('git', ['status', '--porcelain', 'src']) === '' ? '' : ' (src/ has uncommitted changes)'}`,
    `- environment: ${nodeEnv.length === 0 ? 'no NODE_* variables' : nodeEnv.join(', ')}`,
    '- `free -h`:',
    '',
    '```',
    run('free', ['-h']),
    '```',
  ].join('\n');
}
