// Text → typed value for the simple option kinds. Each converter returns
// undefined on bad input and names what it expected, so every message reads
// `option "x": expected <expected>, got "<text>"`.
import { constants } from 'node:os';
import { parse as parseShellWords } from 'shell-quote';

export interface Converter<T> {
  readonly expected: string;
  convert(text: string): T | undefined;
}

/** setTimeout fires at once for delays over 2^31-1 ms, so larger waits are refused. */
const MAX_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** An integer from `min` to `max`; `why` says where the limit comes from. */
export function boundedInt(min: number, max: number, why: string): Converter<number> {
  return {
    expected: `an integer from ${min} to ${max} (${why})`,
    convert(text) {
      const value = Number(text);
      return /^\+?\d+$/.test(text) && value >= min && value <= max ? value : undefined;
    },
  };
}

/**
 * Each worker is a whole process (a Node worker holds some 40 MB), so a
 * thousand is already far beyond a machine's cores: `processes = 100000` is a
 * typo, and spawning it would take the machine down.
 */
export const MAX_PROCESSES = 1024;

/** `processes`: 1 to MAX_PROCESSES. */
export const processCount = boundedInt(1, MAX_PROCESSES, 'each worker is a whole process; more is surely a typo');

/** Linux silently caps a listen backlog at net.core.somaxconn (4096 by default), so a huge one only misleads. */
export const backlogSize = boundedInt(1, 65535, 'the kernel caps it at net.core.somaxconn');

/** buffer-size: a uwsgi packet's datasize is 16 bits. */
export const packetSize = boundedInt(1, 65535, 'a uwsgi packet says its size in 16 bits');

/** seconds, possibly fractional → milliseconds */
export const secondsToMs: Converter<number> = {
  expected: `a number of seconds from 0 to ${MAX_SECONDS}`,
  convert(text) {
    if (!/^(\d+(\.\d*)?|\.\d+)$/.test(text)) return undefined;
    const seconds = Number(text);
    return seconds <= MAX_SECONDS ? Math.round(seconds * 1000) : undefined;
  },
};

/** seconds > 0 → milliseconds (a zero period would fire on every check) */
export const positiveMs: Converter<number> = {
  expected: `a number of seconds above 0, up to ${MAX_SECONDS}`,
  convert(text) {
    const ms = secondsToMs.convert(text);
    return ms === undefined || ms <= 0 ? undefined : ms;
  },
};

/** `reload-mode`: a whole new generation at once, or one worker at a time. */
export const reloadMode: Converter<'graceful' | 'chain'> = {
  expected: 'graceful or chain',
  convert: (text) => (text === 'graceful' || text === 'chain' ? text : undefined),
};

/** `reload-nice`: niceness added to a booting worker; Linux stops at 19. */
export const niceness = boundedInt(0, 19, 'niceness goes from 0 (none added) to 19');

/** `reload-boot-limit`: workers of a graceful reload booting at once; 0: all. */
export const bootLimit = boundedInt(0, MAX_PROCESSES, 'at most as many as processes can be; 0 boots them all at once');

/** `reload-warmup`: requests through Node's HTTP server before a worker started beside serving ones takes traffic. */
export const warmupRounds = boundedInt(0, 10_000, 'a few hundred compile what every request runs; 0 turns it off');

/** `vassal-sos-backlog`: a queue length, up to the largest backlog. */
export const sosBacklog = boundedInt(1, 65535, 'a listen queue never holds more than its backlog');

export const signalName: Converter<NodeJS.Signals> = {
  expected: 'a signal name or number, e.g. SIGTERM, TERM or 15',
  convert(text) {
    const signals = constants.signals as Readonly<Record<string, number>>;
    if (/^\d+$/.test(text)) {
      // the first name wins where two share a number (SIGABRT before SIGIOT)
      const found = Object.entries(signals).find(([, number]) => number === Number(text));
      return found?.[0] as NodeJS.Signals | undefined;
    }
    const upper = text.toUpperCase();
    const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
    return Object.hasOwn(signals, name) ? (name as NodeJS.Signals) : undefined;
  },
};

export const octalMode: Converter<number> = {
  expected: 'an octal mode like 660 or 0660',
  convert: (text) => (/^[0-7]{3,4}$/.test(text) ? parseInt(text, 8) : undefined),
};

const TRUE = ['true', 'yes', 'on', '1'];
const FALSE = ['false', 'no', 'off', '0'];

export const boolean: Converter<boolean> = {
  expected: 'true, false, yes, no, on, off, 1 or 0',
  convert(text) {
    const lower = text.toLowerCase();
    return TRUE.includes(lower) ? true : FALSE.includes(lower) ? false : undefined;
  },
};

/**
 * Arguments written as on a shell command line (`--port 8080 "a b"`), split
 * by shell-quote: quotes and backslashes as sh reads them, `$VAR` kept as
 * written (no shell runs them), and no operator (`|`, `>`, `;`, `*`).
 */
export const argumentList: Converter<readonly string[]> = {
  expected: 'arguments as on a command line (quotes allowed; no |, ;, >, * or other shell operators)',
  convert(text) {
    const words = parseShellWords(text, (name) => `$${name}`);
    return words.every((word) => typeof word === 'string') ? words : undefined;
  },
};
