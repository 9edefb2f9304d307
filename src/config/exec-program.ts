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
  if (word === undefined) return undefined;
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

/**
 * The first word as sh reads it, quotes removed (`'/srv/a b/'bin/run` is one
 * word: an expansion in exec arrives quoted). Undefined when only the shell
 * can tell: an unquoted (or double-quoted) expansion, glob or operator.
 */
function firstWord(command: string): string | undefined {
  const text = command.trimStart();
  let word = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? '';
    if (/\s/.test(char)) break;
    if (char === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return undefined;
      word += text.slice(i + 1, end);
      i = end;
    } else if (char === '"') {
      const end = closingQuote(text, i + 1);
      const inner = end < 0 ? undefined : text.slice(i + 1, end);
      if (inner === undefined || /[$`]/.test(inner.replace(/\\[$`]/g, ''))) return undefined;
      word += inner.replace(/\\([\\"$`])/g, '$1');
      i = end;
    } else if (char === '\\') {
      word += text[i + 1] ?? '';
      i += 1;
    } else if (/[$`*?[\]~;&|<>(){}]/.test(char)) {
      return undefined;
    } else {
      word += char;
    }
  }
  return word === '' || isShellWord(word) ? undefined : word;
}

function closingQuote(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i += 1;
    else if (text[i] === '"') return i;
  }
  return -1;
}

function isShellWord(word: string): boolean {
  return SHELL_WORDS.has(word) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(word);
}
