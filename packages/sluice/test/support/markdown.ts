/**
 * The code blocks of a markdown file, as the README and snippet tests read
 * them. A block fenced ```ts is a complete program (run by readme.test.ts,
 * type-checked by snippets.test.ts); one fenced ```ts fragment is a part of
 * one (a method, a loop over a `conn` made elsewhere) and is neither.
 */

/** One fenced block: its code, and the line of the markdown file its code starts on (1-based). */
export interface Block {
  code: string;
  line: number;
}

/** The blocks fenced exactly ```lang, in order. */
export function blocksAt(markdown: string, lang: string): Block[] {
  return [...markdown.matchAll(new RegExp(`^\`\`\`${lang}\\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map((match) => ({
    code: match[1] as string,
    line: markdown.slice(0, match.index).split('\n').length + 1,
  }));
}

/** The code of the blocks fenced exactly ```lang, in order. */
export function blocks(markdown: string, lang: string): string[] {
  return blocksAt(markdown, lang).map((block) => block.code);
}
