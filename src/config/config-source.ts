// What loadConfig is asked to read: files and single options, applied in order.
// Kept apart from load.ts so the include walker can use the types without a cycle.

export type ConfigFormat = 'ini' | 'yaml' | 'json';

export type ConfigSource =
  | { readonly kind: 'file'; readonly path: string; readonly format?: ConfigFormat; readonly role?: 'template' }
  | { readonly kind: 'option'; readonly key: string; readonly value: string | true; readonly origin: string };

export interface ConfigRequest {
  /** applied in order; later scalars win, lists accumulate */
  readonly sources: readonly ConfigSource[];
  /** base for relative paths, and the default chdir */
  readonly cwd: string;
  /** for $(ENV) and PATH lookups */
  readonly env: NodeJS.ProcessEnv;
  /** overrides VassalConfig.name (the emperor passes the relative path) */
  readonly name?: string;
}
