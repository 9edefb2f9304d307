// The emperor's own log destination: stdout, or its logto file (opened as a
// master opens its own: 0640, never through a symlink), in JSON or the text
// format. A file that cannot be opened fails the start with one line.
import { UwError } from '../errors.js';
import { LogDestination } from './log-destination.js';

/** Open `logto` (or stdout) in `format`; throws UW_USAGE naming the file. */
export function openEmperorDestination(logto: string | undefined, format: 'json' | 'text'): LogDestination {
  try {
    return new LogDestination({ format, backups: 1, ...(logto !== undefined && { file: logto }) });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    const why = code === 'ELOOP' ? 'it is a symlink (refused)' : code === 'EPERM' ? 'it belongs to another user (refused)' : code === 'ENOENT' ? 'its directory does not exist' : code;
    throw new UwError('UW_USAGE', `--logto: cannot open the log file ${logto ?? ''}: ${why}`);
  }
}
