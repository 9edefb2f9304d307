// logto, logto2, log-format, log-maxsize, log-backups and touch-logreopen: where
// a master writes its lines and its workers' output. The emperor's
// vassal-logto-dir arrives as UW_VASSAL_LOGTO and applies when the vassal names
// no file of its own.
import path from 'node:path';
import { UwError } from '../errors.js';
import { boundedInt } from './convert.js';
import { convert, invalidValue, type Setting, type Settings } from './settings.js';

/** The environment variable the emperor sets from vassal-logto-dir (or its own logto). */
export const VASSAL_LOGTO_ENV = 'UW_VASSAL_LOGTO';
/** The emperor's log format, for a vassal that sets no log-format. */
export const LOG_FORMAT_ENV = 'UW_LOG_FORMAT';

/** A vassal's log destination, validated. */
export interface LogSettings {
  /** absolute; absent: stdout */
  readonly file?: string;
  /** where the file was named, for the error if it cannot be opened */
  readonly source?: { readonly file: string; readonly key: string };
  /** logto2: opened as the workers' user */
  readonly asWorkers: boolean;
  readonly format: 'json' | 'text';
  readonly maxSize?: number;
  readonly backups: number;
  readonly touchReopen: readonly string[];
}

const maxSize = boundedInt(1024, 2 ** 50, 'bytes, at least 1 KiB');
const backupCount = boundedInt(1, 1000, 'files FILE.1 ... FILE.N kept');

/** Read the log options; throws UwError naming the file and key. */
export function logSettings(settings: Settings, cwd: string, env: NodeJS.ProcessEnv): LogSettings {
  const logto = settings.last('logto');
  const logto2 = settings.last('logto2');
  if (logto !== undefined && logto2 !== undefined) {
    throw new UwError('UW_CONFIG_CONFLICT', 'options "logto" and "logto2" both name the log file: keep one', { file: logto2.file, key: 'logto2' });
  }
  const named = logto ?? logto2;
  const fromEmperor = env[VASSAL_LOGTO_ENV];
  const file = named === undefined ? (fromEmperor ? path.resolve(fromEmperor) : undefined) : path.resolve(baseDir(named, cwd), named.value);
  const format = settings.last('log-format');
  if (format !== undefined && format.value !== 'json' && format.value !== 'text') throw invalidValue(format, '"json" or "text"');
  const size = settings.last('log-maxsize');
  if (size !== undefined && file === undefined) {
    throw new UwError('UW_CONFIG_CONFLICT', 'option "log-maxsize" needs "logto" (stdout is not rotated)', { file: size.file, key: 'log-maxsize' });
  }
  return {
    ...(file === undefined ? {} : { file }),
    ...(named === undefined ? {} : { source: { file: named.file, key: named.key } }),
    asWorkers: logto2 !== undefined,
    format: (format?.value ?? env[LOG_FORMAT_ENV]) === 'text' ? 'text' : 'json',
    ...(size === undefined ? {} : { maxSize: convert(size, maxSize) }),
    backups: settings.read('log-backups', backupCount, 1),
    touchReopen: settings.all('touch-logreopen').map((s) => path.resolve(cwd, s.value)),
  };
}

/** A relative logto is taken from the directory of the file that says it. */
function baseDir(setting: Setting, cwd: string): string {
  return path.isAbsolute(setting.file) ? path.dirname(setting.file) : cwd;
}
