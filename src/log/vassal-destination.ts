// The master's log destination from its config: stdout, or the logto file,
// opened before any worker starts so that a missing or unwritable directory
// fails the start with one line naming the option and the file.
import { UwError } from '../errors.js';
import type { VassalConfig } from '../config/vassal-config.js';
import { LogDestination } from './log-destination.js';
import type { OpenAs } from './log-file.js';

/** Open the destination of `config`; throws UW_CONFIG_INVALID_VALUE when the file cannot be opened. */
export function openVassalDestination(config: VassalConfig): LogDestination {
  const { file, format, maxSize, backups, source } = config.log;
  const openAs = workersIds(config);
  try {
    return new LogDestination({ format, backups, ...(file !== undefined && { file }), ...(maxSize !== undefined && { maxSize }), ...(openAs !== undefined && { openAs }) });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    const why = code === 'ELOOP' ? 'it is a symlink (refused)' : code === 'EPERM' ? 'it belongs to another user (refused)' : code === 'ENOENT' ? 'its directory does not exist' : code === 'EACCES' ? `permission denied${openAs ? ' to the workers\' user' : ''}` : code;
    const key = source?.key ?? 'logto';
    throw new UwError('UW_CONFIG_INVALID_VALUE', `option "${key}": cannot open the log file ${file ?? ''}: ${why}`, { file: source?.file ?? config.file, key });
  }
}

/** logto2 under a root master with uid set: the workers' ids; otherwise the file is opened as logto is. */
function workersIds(config: VassalConfig): OpenAs | undefined {
  if (!config.log.asWorkers || process.getuid?.() !== 0 || config.uid === undefined) return undefined;
  return { uid: config.uid, gid: config.gid ?? config.uid };
}
