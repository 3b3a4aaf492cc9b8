/**
 * The `{{ … }}` token syntax shared by Sluice and Argo text, scanned in one linear pass.
 *
 * A token is `{{`, then text without `{` or `}`, then `}}`; its expression is that text trimmed.
 * Tokens do not nest or overlap: `{{a {{b}}` holds one token, `{{b}}`, and `{{{b}}}` one, `{{b}}`.
 * This is what the regex /\{\{\s*([^{}]*?)\s*\}\}/g matched, without its super-linear backtracking.
 */

export type RawToken = { start: number; end: number; expression: string };

/** Every token of `text`, left to right. */
export function scanTokens(text: string): RawToken[] {
  const tokens: RawToken[] = [];
  let at = text.indexOf("{{");
  while (at >= 0) {
    const brace = nextBrace(text, at + 2);
    if (brace < 0) break;
    if (text[brace] === "}" && text[brace + 1] === "}") {
      tokens.push({ start: at, end: brace + 2, expression: text.slice(at + 2, brace).trim() });
      at = text.indexOf("{{", brace + 2);
    } else {
      // the braces skipped hold no `{{` but the one that may start at `brace - 1` or `brace`
      at = text.indexOf("{{", text[brace - 1] === "{" ? brace - 1 : brace);
    }
  }
  return tokens;
}

/**
 * Rewrites every token; `replace` gets the trimmed expression and the raw token, once per distinct raw
 * token (a text repeating one token thousands of times costs one call).
 */
export function replaceTokens(text: string, replace: (expression: string, raw: string) => string): string {
  const replaced = new Map<string, string>();
  const parts: string[] = [];
  let last = 0;
  for (const token of scanTokens(text)) {
    const raw = text.slice(token.start, token.end);
    let replacement = replaced.get(raw);
    if (replacement === undefined) {
      replacement = replace(token.expression, raw);
      replaced.set(raw, replacement);
    }
    parts.push(text.slice(last, token.start), replacement);
    last = token.end;
  }
  if (last === 0) return text;
  parts.push(text.slice(last));
  return parts.join("");
}

/** The expression of a text that is exactly one token (surrounding whitespace aside), else undefined. */
export function singleTokenExpression(text: string): string | undefined {
  const trimmed = text.trim();
  const tokens = scanTokens(trimmed);
  return tokens.length === 1 && tokens[0].start === 0 && tokens[0].end === trimmed.length ? tokens[0].expression : undefined;
}

function nextBrace(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x7d) return i;
  }
  return -1;
}
