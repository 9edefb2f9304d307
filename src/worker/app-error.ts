// What an app threw while loading, as the master and the operator need it: the
// error's type, the file and line it came from, and the stack. The place is the
// first frame of the stack, or the "file:line" header V8 puts above some module
// errors; a SyntaxError while compiling has neither, so the app file is then
// checked with `node --check`, whose first line names the place.
import { fileURLToPath } from 'node:url';
import { UwError } from '../errors.js';
import type { AppError } from '../ipc/protocol.js';
import { runHelperSync } from '../process/spawn.js';

/** uw's own code (dist/src/, bundled or not): its frames are not the app's place. */
const OWN_CODE = fileURLToPath(new URL('../', import.meta.url));

/** Longest stack sent to the master: enough for the app's frames, bounded for the IPC message and logs. */
const MAX_STACK_CHARS = 4_000;

/** A stack frame's location: "(file:///a/b.mjs:3:7)" or "at /a/b.js:3:7". */
const FRAME = /(?:\(|at )((?:file:\/\/)?\/[^():]+):(\d+)(?::\d+)?\)?$/;
/** V8's header for a syntax error in a module: "file:///a/b.mjs:3" on the first line. */
const HEADER = /^((?:file:\/\/)?\/[^:\n]+):(\d+)$/;

/** Describe `err` for the master; `appPath` is checked for the place of a SyntaxError. */
export function describeAppError(err: unknown, appPath: string): AppError {
  if (!(err instanceof Error)) return { message: String(err) };
  const stack = typeof err.stack === 'string' ? err.stack.slice(0, MAX_STACK_CHARS) : undefined;
  const place = placeOf(stack ?? '') ?? (err instanceof SyntaxError ? checkSyntax(appPath) : undefined);
  const code = (err as NodeJS.ErrnoException).code;
  return {
    message: err.message,
    errorType: `${err.constructor.name}${typeof code === 'string' ? ` [${code}]` : ''}`,
    ...(place && { file: place.file, line: place.line }),
    ...(stack !== undefined && { stack }),
    ...(err instanceof UwError && err.code.startsWith('UW_CONFIG') && { configError: true }),
  };
}

interface Place {
  readonly file: string;
  readonly line: number;
}

/** Where it was thrown: the first place in the stack that is a file, neither node's internals nor uw's own. */
function placeOf(text: string): Place | undefined {
  const places = text
    .split('\n')
    .map((line) => FRAME.exec(line.trim()) ?? HEADER.exec(line.trim()))
    .flatMap((match) => (match?.[1] === undefined ? [] : [{ file: toPath(match[1]), line: Number(match[2]) }]));
  return places.find((place) => !place.file.startsWith(OWN_CODE));
}

/** `node --check` on the app: its first stderr line is "file:line" of the syntax error. */
function checkSyntax(appPath: string): Place | undefined {
  if (appPath === '') return undefined;
  const result = runHelperSync(process.execPath, ['--check', appPath], ['ignore', 'ignore', 'pipe'], 5_000);
  return placeOf(result.stderr.split('\n')[0] ?? '');
}

function toPath(location: string): string {
  return location.startsWith('file://') ? fileURLToPath(location) : location;
}
