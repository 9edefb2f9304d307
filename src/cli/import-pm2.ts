// `uwemperor import-pm2 ECOSYSTEM`: one vassal file per PM2 app, and one line
// for each file written and each attribute left behind. Exit 0 when a file
// was written, 1 when none could be, 2 on a usage error or an unusable file.
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { renderIni } from './import-pm2-ini.js';
import { EcosystemError, loadEcosystem } from './import-pm2-load.js';
import { probeScript } from './import-pm2-probe.js';
import { translateApp, uniqueStems, type TranslateContext } from './import-pm2-translate.js';
import { writeVassal } from './import-pm2-write.js';

/** Shown by `uwemperor import-pm2 --help`. */
export const IMPORT_PM2_HELP = `usage: uwemperor import-pm2 ECOSYSTEM [--out DIR] [--env NAME] [--force]
Writes one vassal file, DIR/NAME.ini, per app of a PM2 ecosystem file
(.js, .cjs, .mjs, .json, .yaml or .yml), and one line for each attribute it
could not translate. A .js/.cjs/.mjs file is loaded by running it, as
pm2 start does: import only a file you would start. Relative paths (cwd, script)
are taken from the ecosystem file's directory. Each file is checked with uw's
own config loader before it is written; an existing file is kept unless --force.
  --out DIR     where to write (default: the current directory; created if missing)
  --env NAME    lay env_NAME over env, as pm2 start --env NAME
  --force       replace existing vassal files
  -h, --help    this text
exit status: 0 when a file was written, 1 when none could be, 2 on a usage
error or an ecosystem file that cannot be read.`;

const TOP_LEVEL_NOTES: Readonly<Record<string, string>> = {
  deploy: 'deploy: not translated: uw does not deploy; after a deploy, touch the vassal file (or a touch-reload file) to reload',
};

/** Run the command; argv comes after `import-pm2`. */
export async function importPm2(argv: readonly string[]): Promise<number> {
  const parsed = parseCommandLine(argv);
  if (typeof parsed === 'string') return usageError(parsed);
  if (parsed.help) {
    process.stdout.write(`${IMPORT_PM2_HELP}\n`);
    return 0;
  }
  const source = path.resolve(parsed.file);
  let ecosystem;
  try {
    ecosystem = await loadEcosystem(source);
  } catch (err) {
    if (!(err instanceof EcosystemError)) throw err;
    return usageError(err.message);
  }
  const outProblem = await prepareOut(parsed.out);
  if (outProblem !== undefined) return usageError(outProblem);
  for (const key of ecosystem.otherKeys) say(TOP_LEVEL_NOTES[key] ?? `${key}: not translated: not an app list`);
  if (ecosystem.apps.length === 0) say(`${parsed.file}: no apps`);
  const written = await writeAll(ecosystem.apps, { source, ...parsed });
  return written > 0 ? 0 : 1;
}

interface CommandLine {
  readonly file: string;
  readonly out: string;
  readonly envName: string | undefined;
  readonly force: boolean;
  readonly help: boolean;
}

function parseCommandLine(argv: readonly string[]): CommandLine | string {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { out: { type: 'string' }, env: { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
    });
    const help = values.help === true;
    if (!help && positionals.length !== 1) return `expected one ecosystem file, got ${positionals.length} (see uwemperor import-pm2 --help)`;
    return { file: positionals[0] ?? '', out: values.out ?? '.', envName: values.env, force: values.force === true, help };
  } catch (err) {
    // node:util's first sentence names the option; the rest is advice about "--"
    return `${(err as Error).message.split(/\.\s/)[0] ?? String(err)} (see uwemperor import-pm2 --help)`;
  }
}

/** Make --out if missing; a problem when it is not a directory. */
async function prepareOut(out: string): Promise<string | undefined> {
  try {
    await mkdir(out, { recursive: true, mode: 0o755 });
    if (!(await stat(out)).isDirectory()) return `--out ${out}: not a directory`;
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return `--out ${out}: ${code === 'EEXIST' || code === 'ENOTDIR' ? 'not a directory' : (code ?? String(err))}`;
  }
}

/** Translate and write every app; returns how many files were written. */
async function writeAll(apps: readonly unknown[], options: CommandLine & { readonly source: string }): Promise<number> {
  const ctx: TranslateContext = { baseDir: path.dirname(options.source), envName: options.envName, probe: probeScript };
  const translations = apps.map((app, index) => translateApp(app, index, ctx));
  const stems = uniqueStems(translations.map((t) => (t.ok ? t.vassal.stem : '')));
  let written = 0;
  for (const [index, translation] of translations.entries()) {
    if (!translation.ok) {
      say(`${translation.app}: not written: ${translation.problem}`);
      continue;
    }
    const { vassal } = translation;
    const shown = path.join(options.out, `${stems[index] ?? vassal.stem}.ini`);
    const header = [`written by uwemperor import-pm2 from ${options.source} (app "${vassal.app}")`];
    const outcome = await writeVassal(path.resolve(shown), renderIni(vassal.entries, header), options.force);
    if (outcome.kind === 'written') written += 1;
    say(outcome.kind === 'written' ? `wrote ${shown}` : outcome.kind === 'exists' ? `${vassal.app}: not written: ${shown} exists (--force replaces it)` : `${vassal.app}: not written: ${outcome.reason}`);
    for (const note of vassal.notes) say(`${vassal.app}: ${note}`);
  }
  return written;
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function usageError(message: string): number {
  process.stderr.write(`uwemperor import-pm2: ${message}\n`);
  return 2;
}
