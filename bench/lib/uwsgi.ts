// Driving uWSGI (Debian's uwsgi + uwsgi-plugin-python3) beside uwemperor: is it
// here (installed through apt when missing and possible), its vassal files, its
// Emperor and a standalone master, on the Python twin of the hello app.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { HELLO_APP, ROOT } from './paths.js';
import type { ProcessSet } from './process-set.js';
import type { TrackedProcess } from './tracked-process.js';

export const HELLO_WSGI = `${ROOT}bench/apps/hello-wsgi.py`;

function works(): boolean {
  try {
    execFileSync('uwsgi', ['--plugin', 'python3', '--version'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** null when uWSGI with python3 runs here (installing it through apt first if it can); else why not. */
export function ensureUwsgi(progress: (message: string) => void): string | null {
  if (works()) return null;
  if (process.getuid?.() !== 0) return 'uwsgi with its python3 plugin is not installed, and this is not root (apt-get install uwsgi uwsgi-plugin-python3)';
  try {
    execFileSync('apt-get', ['--version'], { stdio: 'ignore', timeout: 10_000 });
  } catch {
    return 'uwsgi with its python3 plugin is not installed, and there is no apt-get to install it';
  }
  progress('uwsgi: installing uwsgi uwsgi-plugin-python3 with apt-get');
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore', timeout: 300_000 });
    execFileSync('apt-get', ['install', '-y', '-qq', 'uwsgi', 'uwsgi-plugin-python3'], { stdio: 'ignore', timeout: 600_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } catch (err) {
    return `apt-get install uwsgi uwsgi-plugin-python3 failed: ${(err as Error).message.split('\n')[0] ?? ''}`;
  }
  return works() ? null : 'uwsgi was installed but `uwsgi --plugin python3 --version` still fails';
}

/** `uwsgi --version`, e.g. 2.0.21-debian. */
export function uwsgiVersion(): string {
  try {
    return execFileSync('uwsgi', ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim();
  } catch {
    return 'n/a';
  }
}

/** A 1-worker uWSGI vassal (master on) serving the Python hello app on 127.0.0.1:`port`. */
export function writeUwsgiVassal(path: string, port: number, processes = 1): void {
  writeFileSync(path, `[uwsgi]\nplugin = python3\nmaster = true\nhttp-socket = 127.0.0.1:${port}\nprocesses = ${processes}\nwsgi-file = ${HELLO_WSGI}\ndisable-logging = true\n`);
}

/** The same vassal for uwemperor: the hello module on 127.0.0.1:`port`. */
export function writeUwVassal(path: string, port: number, processes = 1): void {
  writeFileSync(path, `[uwsgi]\nhttp-socket = 127.0.0.1:${port}\nmodule = ${HELLO_APP}\nprocesses = ${processes}\n`);
}

/** `uwsgi --emperor DIR` (scan every `freq` s, uWSGI's default 3). Its output is plain text on stderr. */
export function startUwsgiEmperor(processes: ProcessSet, dir: string, freq?: number): TrackedProcess {
  return processes.spawn('uwsgi emperor', 'uwsgi', ['--emperor', dir, ...(freq === undefined ? [] : ['--emperor-freq', String(freq)])]);
}

/** A standalone uWSGI master with `workers` workers on the hello app at 127.0.0.1:`port`. */
export function startUwsgiMaster(processes: ProcessSet, port: number, workers: number): TrackedProcess {
  return processes.spawn('uwsgi', 'uwsgi', ['--plugin', 'python3', '--master', '--http-socket', `127.0.0.1:${port}`, '--processes', String(workers), '--wsgi-file', HELLO_WSGI, '--disable-logging']);
}
