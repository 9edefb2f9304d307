// `exec` runs through `/bin/sh -c`, so text that an expansion inserts (a file
// name through %n, an environment variable, a placeholder) must reach the
// program as that text, never as shell syntax: `x$(touch PWNED).ini` stays a
// name. Each insertion is quoted for the quoting context it lands in. Inside a
// backquoted command substitution the text is parsed again as a command, which
// no quoting made outside it survives: an expansion there is refused.

/** Quote the text inserted at `offset` of the written command. */
export type Inserter = (value: string, offset: number) => string;

type Context = 'plain' | 'single' | 'double' | 'backquote';

/** An expansion inside `...`: no quoting can keep it literal. */
export class ExpansionInBackquotes extends Error {}

/** An Inserter for `command`: the quoting context at an offset is read from the text written before it. */
export function shellInserter(command: string): Inserter {
  return (value, offset) => {
    const context = contextAt(command, offset);
    if (context === 'backquote') throw new ExpansionInBackquotes('an expansion cannot be used inside `...` in exec (sh parses its text again as a command)');
    return quoteFor(context, value);
  };
}

/** sh's quoting state after `text[0, end)`: outside quotes, in '...', in "...", or inside `...` (anywhere but '...'). */
export function contextAt(text: string, end: number): Context {
  let context: 'plain' | 'single' | 'double' = 'plain';
  let backquoted = false;
  for (let i = 0; i < end; i++) {
    const char = text[i];
    if (context === 'single') {
      if (char === "'") context = 'plain';
    } else if (char === '\\') {
      i += 1;
    } else if (char === '`') {
      backquoted = !backquoted;
    } else if (char === '"') {
      context = context === 'double' ? 'plain' : 'double';
    } else if (char === "'" && context === 'plain') {
      context = 'single';
    }
  }
  return backquoted ? 'backquote' : context;
}

/** `value` as literal text in that context; an empty value outside quotes adds nothing, as before. */
export function quoteFor(context: Exclude<Context, 'backquote'>, value: string): string {
  switch (context) {
    case 'plain':
      return value === '' ? '' : `'${value.replaceAll("'", `'\\''`)}'`;
    case 'single':
      return value.replaceAll("'", `'\\''`);
    case 'double':
      return value.replace(/[\\"$`]/g, '\\$&');
  }
}
