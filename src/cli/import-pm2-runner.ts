// How a PM2 app runs, decided as PM2 decides it (lib/Common.js,
// resolveInterpreter): a Node program becomes uw's `script` (its listen()
// lands on the master's sockets), anything else an `exec` command line.
import path from 'node:path';

/** What a script without a known extension turned out to be: PM2 runs text with Node and a binary as is. */
export type ScriptProbe = 'missing' | 'node' | 'program';

/** A Node script (served on the master's sockets) or an exec command line, as words. */
export type Runner =
  | { readonly kind: 'script'; readonly script: string; readonly args: readonly string[]; readonly nodeArgs: readonly string[] }
  | { readonly kind: 'exec'; readonly words: readonly string[] };

/** What decides the runner: the app's script, interpreter and both argument lists. */
export interface RunnerInput {
  readonly script: string;
  readonly interpreter: string | undefined;
  readonly args: readonly string[];
  readonly interpreterArgs: readonly string[];
  /** only asked about a script with no known extension and no interpreter */
  readonly probe: () => ScriptProbe;
}

const NODE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs']);

/** PM2's interpreter by extension (lib/API/interpreter.json); python 2 is gone, so python3. */
const INTERPRETERS: Readonly<Record<string, string>> = {
  '.sh': 'bash',
  '.py': 'python3',
  '.rb': 'ruby',
  '.php': 'php',
  '.pl': 'perl',
  '.coffee': 'coffee',
  '.ls': 'lsc',
  '.ts': 'bun',
  '.tsx': 'bun',
};

/** The runner and what the report should say about the choice. */
export function chooseRunner(input: RunnerInput): { readonly runner: Runner; readonly notes: readonly string[] } {
  const { script, interpreter, args, interpreterArgs } = input;
  const asScript = { kind: 'script', script, args, nodeArgs: interpreterArgs } as const;
  if (interpreter !== undefined && isNode(interpreter)) {
    const notes = interpreter === 'node' ? [] : [`interpreter: ${interpreter} not used: script workers run under the Node that runs uw`];
    return { runner: asScript, notes };
  }
  if (interpreter === 'none') {
    const notes = interpreterArgs.length > 0 ? ['node_args: not translated: interpreter is none'] : [];
    return { runner: { kind: 'exec', words: [programPath(script), ...args] }, notes };
  }
  if (interpreter !== undefined) return { runner: { kind: 'exec', words: [interpreter, ...interpreterArgs, script, ...args] }, notes: [] };
  const extension = path.extname(script).toLowerCase();
  if (NODE_EXTENSIONS.has(extension)) return { runner: asScript, notes: [] };
  const byExtension = INTERPRETERS[extension];
  if (byExtension !== undefined) return { runner: { kind: 'exec', words: [byExtension, ...interpreterArgs, script, ...args] }, notes: [] };
  return byContent(input, asScript);
}

/** No extension to go by: a text file runs under Node, a binary as is, and a name that is no file is a command on PATH. */
function byContent(input: RunnerInput, asScript: Runner): { readonly runner: Runner; readonly notes: readonly string[] } {
  const probe = input.probe();
  if (probe === 'node' || (probe === 'missing' && input.script.includes('/'))) return { runner: asScript, notes: [] };
  const program = probe === 'program' ? programPath(input.script) : input.script;
  const notes = probe === 'missing'
    ? [`script: "${input.script}" is a command, not a file: written as exec; a server it starts binds its own port, so point script at the server's .js file to serve on the master's socket`]
    : [];
  const ignored = input.interpreterArgs.length > 0 ? ['node_args: not translated: the script is not run by Node'] : [];
  return { runner: { kind: 'exec', words: [program, ...input.args] }, notes: [...notes, ...ignored] };
}

/** PM2's test for a Node interpreter: `node`, a path ending in node, or node@VERSION. */
function isNode(interpreter: string): boolean {
  const base = path.basename(interpreter);
  return base === 'nodejs' || /node$/.test(base) || /^node@/.test(base);
}

/** sh looks a bare name up on PATH: a file in chdir needs `./`. */
function programPath(script: string): string {
  return script.includes('/') ? script : `./${script}`;
}
