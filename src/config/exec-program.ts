// Check, before any worker starts, that an exec command line names a program
// that exists. Only the first word is checked; whatever /bin/sh would treat
// specially (assignments, builtins, expansions) is left to the shell.
import path from 'node:path';
import type { ConfigHost } from './host.js';

/** what sh uses when PATH is unset */
const DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin';

const SHELL_WORDS = new Set([
  '.', ':', 'cd', 'command', 'eval', 'exec', 'export', 'set', 'source', 'trap', 'ulimit', 'umask', 'unset',
  'if', 'for', 'while', 'until', 'case', '!', '{', '(',
]);

/** The program a command line runs, found; or why it cannot run; or nothing when only the shell can tell. */
export type ExecProgram = { readonly path: string } | { readonly problem: string } | undefined;

/** Find the program of `command` as /bin/sh would, in `chdir`. */
export async function findExecProgram(command: string, chdir: string, pathVar: string | undefined, host: ConfigHost): Promise<ExecProgram> {
  const word = firstWord(command);
  if (word === undefined || isShellBusiness(word)) return undefined;
  if (word.includes('/')) {
    const full = path.resolve(chdir, word);
    if (await host.isExecutable(full)) return { path: full };
    const exists = (await host.pathKind(full)) !== 'missing';
    return { problem: `exec: program "${word}" ${exists ? 'is not an executable file' : 'not found'} (${full})` };
  }
  for (const dir of (pathVar ?? DEFAULT_PATH).split(':')) {
    // an empty PATH entry means the current directory, which will be chdir
    const full = path.resolve(chdir, dir, word);
    if (await host.isExecutable(full)) return { path: full };
  }
  return { problem: `exec: program "${word}" not found on PATH` };
}

function firstWord(command: string): string | undefined {
  const text = command.trimStart();
  const quote = text[0];
  if (quote === '"' || quote === "'") {
    const end = text.indexOf(quote, 1);
    return end < 0 ? undefined : text.slice(1, end);
  }
  return text.split(/\s/)[0] || undefined;
}

function isShellBusiness(word: string): boolean {
  return SHELL_WORDS.has(word) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(word) || /[$`*?[\]~;&|<>(){}\\]/.test(word);
}
