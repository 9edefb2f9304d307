// Shell-style globs for vassal paths (`*/uw.ini`, `**/*.yaml`, `{a,b}.ini`,
// `app-[0-9].ini`), compiled to a RegExp over '/'-separated relative paths.
// The emperor watches the glob's static base directory (down to the pattern's
// depth) and filters with this.

const GLOB_CHARS = /[*?[{]/;

/** True when `text` has a character a glob gives meaning to. */
export function hasGlobChars(text: string): boolean {
  return GLOB_CHARS.test(text);
}

/** Split an absolute glob into its static base directory and the pattern below it. */
export function splitGlob(glob: string): { base: string; pattern: string } {
  const segments = glob.split('/');
  const firstGlob = segments.findIndex((segment) => hasGlobChars(segment));
  const cut = firstGlob === -1 ? segments.length - 1 : firstGlob;
  return { base: segments.slice(0, cut).join('/') || '/', pattern: segments.slice(cut).join('/') };
}

/** How many directory levels below the base a pattern can reach; undefined with `**`. */
export function patternDepth(pattern: string): number | undefined {
  const segments = pattern.split('/');
  return segments.includes('**') ? undefined : segments.length - 1;
}

/** Compile a '/'-separated glob; `*` and `?` never cross a '/', `**` spans directories. */
export function globToRegExp(pattern: string): RegExp {
  const segments = pattern.split('/');
  const body = segments
    .map((segment, index) => {
      const last = index === segments.length - 1;
      if (segment === '**') return last ? '.*' : '(?:[^/]*/)*';
      return segmentSource(segment) + (last ? '' : '/');
    })
    .join('');
  return new RegExp(`^${body}$`);
}

function segmentSource(segment: string): string {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const char = segment.charAt(i);
    if (char === '*') out += '[^/]*';
    else if (char === '?') out += '[^/]';
    else if (char === '\\' && i + 1 < segment.length) out += escapeRegExp(segment.charAt(++i));
    else if (char === '[' && segment.indexOf(']', i + 2) !== -1) {
      const close = segment.indexOf(']', i + 2);
      const inner = segment.slice(i + 1, close);
      out += `[${inner.startsWith('!') || inner.startsWith('^') ? `^${escapeClass(inner.slice(1))}` : escapeClass(inner)}]`;
      i = close;
    } else if (char === '{' && segment.indexOf('}', i) !== -1) {
      const close = segment.indexOf('}', i);
      out += `(?:${segment.slice(i + 1, close).split(',').map(segmentSource).join('|')})`;
      i = close;
    } else out += escapeRegExp(char);
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function escapeClass(text: string): string {
  return text.replace(/[\\\]^]/g, '\\$&');
}
