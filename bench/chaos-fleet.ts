// The chaos run's emperor and vassals: a directory of module vassals (2 workers
// each) and one exec vassal (python, 2 workers), each on a fixed loopback port
// so clients find it again after a restart; the emperor (started again on the
// same directory after it was killed); and which master serves which vassal,
// read from the emperor's `vassal state` lines.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../test/helpers/free-port.js';
import { APPS as TEST_APPS, PYTHON } from '../test/helpers/paths.js';
import { EMPEROR_BIN, HELLO_APP } from './lib/paths.js';
import type { ProcessSet } from './lib/process-set.js';
import type { LogLine, TrackedProcess } from './lib/tracked-process.js';

/** One vassal file of the fleet and the port it serves on. */
export interface FleetVassal {
  readonly name: string;
  readonly port: number;
  readonly kind: 'module' | 'exec';
}

const PYTHON_APP = `${TEST_APPS}server.py`;

/** Write `modules` module vassals and one exec vassal into `dir`. */
export async function writeFleet(dir: string, modules: number): Promise<FleetVassal[]> {
  const vassals: FleetVassal[] = [];
  for (let i = 1; i <= modules + 1; i++) {
    const kind = i <= modules ? 'module' : 'exec';
    const name = kind === 'module' ? `app${i}.ini` : 'py.ini';
    const port = await freePort();
    const app = kind === 'module' ? `module = ${HELLO_APP}` : `exec = ${PYTHON} ${PYTHON_APP}`;
    writeFileSync(join(dir, name), `[uwsgi]\nhttp-socket = 127.0.0.1:${port}\n${app}\nprocesses = 2\n`);
    vassals.push({ name, port, kind });
  }
  return vassals;
}

const isEmperorLine = (line: LogLine): boolean => line.name === 'uwemperor';

/** One emperor process at a time on the fleet's directory. */
export class Fleet {
  emperor: TrackedProcess | null = null;

  /** `emperors`: every emperor started is appended, in order */
  constructor(private readonly processes: ProcessSet, readonly dir: string, readonly vassals: readonly FleetVassal[], private readonly env: NodeJS.ProcessEnv, readonly emperors: TrackedProcess[] = []) {}

  /** Start an emperor on the directory; resolves once it logged `emperor started`. */
  async start(): Promise<TrackedProcess> {
    const emperor = this.processes.spawn(`uwemperor #${this.emperors.length + 1}`, process.execPath, [EMPEROR_BIN, this.dir], { env: this.env });
    this.emperor = emperor;
    this.emperors.push(emperor);
    await emperor.waitForMsg('emperor started', {}, 30_000);
    return emperor;
  }

  get current(): TrackedProcess {
    if (this.emperor === null) throw new Error('no emperor');
    return this.emperor;
  }

  /** The current emperor's next `vassal state` ready line for `vassal` from line `from` with a master other than `notPid`. */
  ready(vassal: string, from: number, timeoutMs: number, notPid = -1): Promise<LogLine> {
    const check = (line: LogLine): LogLine | undefined =>
      isEmperorLine(line) && line.msg === 'vassal state' && line.vassal === vassal && line.to === 'ready' && line.masterPid !== notPid ? line : undefined;
    return this.current.watch(from, check, timeoutMs, `${vassal} ready`);
  }

  /** The master serving `vassal` now, from the emperor's last ready line for it. */
  masterOf(vassal: string): number {
    const lines = this.current.lines;
    for (let i = lines.length - 1; i >= 0; i--) {
      const line = lines[i] as LogLine;
      if (isEmperorLine(line) && line.msg === 'vassal state' && line.vassal === vassal && line.to === 'ready') return Number(line.masterPid);
    }
    throw new Error(`${vassal}: no ready line`);
  }

  /** A `worker ready` line of master `masterPid` from line `from` for a worker not in `known`. */
  workerReady(masterPid: number, from: number, known: ReadonlySet<number>, timeoutMs: number): Promise<LogLine> {
    const check = (line: LogLine): LogLine | undefined =>
      line.pid === masterPid && line.msg === 'worker ready' && !known.has(Number(line.workerPid)) ? line : undefined;
    return this.current.watch(from, check, timeoutMs, `master ${masterPid}: a new worker ready`);
  }
}
