// A config file reference as uWSGI writes it: `path` or `path:section`, where
// the section picks `[section]` in ini or the top-level key in YAML/JSON.
import path from 'node:path';
import { UwError } from '../errors.js';
import type { ConfigFormat } from './config-source.js';

export interface FileRef {
  /** absolute */
  readonly path: string;
  /** the section asked for, or undefined for the default ([uwsgi], then [uw]) */
  readonly section: string | undefined;
}

/** Sections read when none is named; `uw` is this project's short spelling. */
export const DEFAULT_SECTIONS = ['uwsgi', 'uw'] as const;

/**
 * Split off a trailing `:section` (only when it holds no `/`, so a directory
 * with a colon stays a path) and resolve against `baseDir`. An empty path
 * (`:other`) means another section of `current`, as in uWSGI.
 */
export function parseFileRef(text: string, baseDir: string, current?: string): FileRef {
  const colon = text.lastIndexOf(':');
  const suffix = colon >= 0 ? text.slice(colon + 1) : '';
  const hasSection = colon >= 0 && suffix !== '' && !suffix.includes('/');
  const file = hasSection ? text.slice(0, colon) : text;
  const section = hasSection ? suffix : undefined;
  if (file === '') {
    if (current === undefined) {
      throw new UwError('UW_CONFIG_FORMAT', `"${text}" names a section but no file`);
    }
    return { path: current, section };
  }
  return { path: path.resolve(baseDir, file), section };
}

/** `path:section`, or just the path: the identity used for cycle detection and %x. */
export function refLabel(ref: FileRef): string {
  return ref.section === undefined ? ref.path : `${ref.path}:${ref.section}`;
}

const EXTENSIONS: Readonly<Record<string, ConfigFormat>> = { '.ini': 'ini', '.yaml': 'yaml', '.yml': 'yaml', '.json': 'json' };

/** The explicit format, else the one the extension says; anything else is an error. */
export function formatOf(ref: FileRef, explicit: ConfigFormat | undefined): ConfigFormat {
  if (explicit !== undefined) return explicit;
  const ext = path.extname(ref.path).toLowerCase();
  const format = EXTENSIONS[ext];
  if (format === undefined) {
    throw new UwError(
      'UW_CONFIG_FORMAT',
      `cannot tell the format from the extension "${ext}" (use .ini, .yaml, .yml or .json)`,
      { file: ref.path },
    );
  }
  return format;
}
