// Prometheus text read back with a maintained parser (parse-prometheus-text-format,
// the prom2json layout), and a lookup of one sample by name and labels.
import { createRequire } from 'node:module';

/** One family as the parser gives it. */
export interface PromFamily {
  readonly name: string;
  readonly help: string;
  readonly type: string;
  readonly metrics: readonly { readonly value: string; readonly labels: Readonly<Record<string, string>> }[];
}

const parse = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => PromFamily[];

/** Parse the exposition text; throws on a malformed line. */
export function parsePrometheus(text: string): PromFamily[] {
  return parse(text);
}

/** The value of the sample of `name` whose labels are exactly `labels`; undefined when absent. */
export function sampleOf(families: readonly PromFamily[], name: string, labels: Record<string, string>): number | undefined {
  const family = families.find((f) => f.name === name);
  const metric = family?.metrics.find((m) => {
    const got = m.labels ?? {};
    return Object.keys(got).length === Object.keys(labels).length && Object.entries(labels).every(([k, v]) => got[k] === v);
  });
  return metric === undefined ? undefined : Number(metric.value);
}
