// The vassal file import-pm2 writes. uw's ini takes values literally but
// expands `%X`, `%(name)` and `$(NAME)` in them, and trims each line: so `%`
// is written `%%`, a literal `$(` goes through a placeholder holding `$`
// (expansion is one pass, so the `(` after it is never read again), and a
// value that a line cannot carry (a newline, edge spaces) is refused.

/** One `key = value` line; `template` values (`%k`) are written as is, the others escaped. */
export interface IniEntry {
  readonly key: string;
  readonly value: string;
  readonly template?: true;
}

/** Holds a literal `$`, for values containing `$(`. */
const DOLLAR = 'uw-dollar';

/** Whether `value` survives one ini line: no line break or NUL, no space at either end. */
export function fitsOnIniLine(value: string): boolean {
  return !/[\r\n\0]/.test(value) && value.trim() === value;
}

/** `value` as written in the file so that uw reads back exactly `value`. */
export function escapeIniValue(value: string): string {
  return value.replaceAll('%', '%%').replaceAll('$(', `%(${DOLLAR})(`);
}

/** The whole file: a comment naming the source, the [uwsgi] section, one line per entry. */
export function renderIni(entries: readonly IniEntry[], header: readonly string[]): string {
  const values = entries.map((entry) => ({ key: entry.key, text: entry.template === true ? entry.value : escapeIniValue(entry.value) }));
  const needsDollar = values.some(({ text }) => text.includes(`%(${DOLLAR})`));
  const lines = [
    ...header.map((line) => `; ${line.replace(/[\r\n]/g, ' ')}`),
    '[uwsgi]',
    ...(needsDollar ? [`set-placeholder = ${DOLLAR}=$`] : []),
    ...values.map(({ key, text }) => `${key} = ${text}`),
  ];
  return `${lines.join('\n')}\n`;
}
