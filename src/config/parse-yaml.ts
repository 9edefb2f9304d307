// YAML with js-yaml, loaded on first use so vassals written in ini never pay
// for it. The failsafe schema keeps every scalar as the text written: `0660`
// stays "0660" (not 660 or 432) and `yes` stays "yes" for the schema to read.
import { UwError } from '../errors.js';

/** The parsed document; scalars are strings, an empty value is null. An included file's errors give the position only. */
export async function parseYaml(text: string, file: string, included = false): Promise<unknown> {
  const yaml = await import('js-yaml');
  try {
    return yaml.load(text, { schema: yaml.FAILSAFE_SCHEMA, filename: file });
  } catch (err) {
    if (err instanceof yaml.YAMLException) {
      const where = err.mark ? ` at line ${err.mark.line + 1}, column ${err.mark.column + 1}` : '';
      // some reasons quote the source (an unknown tag, a duplicated key)
      const reason = included ? ' (an included file is never quoted)' : `: ${err.reason}`;
      throw new UwError('UW_CONFIG_SYNTAX', `YAML syntax error${where}${reason}`, { file });
    }
    throw err;
  }
}
