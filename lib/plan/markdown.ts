/**
 * Markdown for the plan comment, with plan text kept inert.
 *
 * Everything a plan carries (addresses, `for_each` keys, `replace_paths`, import IDs,
 * previous addresses, values, flags paths) was written by whoever opened the pull
 * request. It only ever reaches the comment through `inert` (every helper here
 * calls it), so none of it can close a code span, open HTML, end a collapsed block,
 * forge the hidden marker or ping a person or a team.
 */

const ZWSP = '\u200B';

/**
 * Plan text made inert. It is only ever placed inside code (a span, a fence or a
 * table cell: `code`, `fence`, `cell`), where GitHub shows `<`, `</details>` and
 * `*` literally; on top of that, `@` before a name gets a zero-width space (no
 * mention, no team ping), `<!--` and `-->` are broken (no hidden marker can be
 * forged: the sticky comment is found by one), and newlines become a visible `⏎`
 * (a value cannot end the code span's line and start a new markdown block).
 */
export function inert(s: string): string {
  return s
    .replace(/@(?=[A-Za-z0-9_-])/g, `@${ZWSP}`)
    .replace(/<!--/g, `<${ZWSP}!--`)
    .replace(/-->/g, `--${ZWSP}>`)
    .replace(/\r\n|\r|\n/g, '⏎');
}

/** Inline code of plan text: a backtick run inside cannot close it. */
export function code(s: string): string {
  const text = inert(s);
  const ticks = '`'.repeat(longestRun(text, '`') + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || text.startsWith(' ') ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

/** A table cell of plan text: inline code with `|` escaped (GFM splits cells on it even in code). */
export function cell(s: string): string {
  return code(s).replace(/\|/g, '\\|');
}

/** A fenced code block of plan text lines; the fence is longer than any backtick run inside. */
export function fence(lines: readonly string[], info = ''): string {
  const body = lines.map((l) => inert(l)).join('\n');
  const ticks = '`'.repeat(Math.max(3, longestRun(body, '`') + 1));
  return `${ticks}${info}\n${body}\n${ticks}`;
}

/** A last pass over a whole body: no `@mention` anywhere (our own text has none either). */
export function neutralizeMentions(body: string): string {
  return body.replace(/(^|[^A-Za-z0-9`])@(?=[A-Za-z0-9_-])/g, `$1@${ZWSP}`);
}

export function longestRun(s: string, ch: string): number {
  let best = 0;
  let run = 0;
  for (const c of s) {
    run = c === ch ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}

export function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((l) => (l ? by + l : l))
    .join('\n');
}

export function plural(n: number): string {
  return n === 1 ? '' : 's';
}
