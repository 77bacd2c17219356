import { suggestClosest } from '../core/suggest.js';
import { SELECTION_ATTRIBUTES, SELECTION_STATES, type SelectionAttribute, type SelectionNode, type SelectionStateAttribute, type StateSelection } from './selection-ast.js';
import { LegacySelectionError, SelectionSyntaxError } from './selection-errors.js';

/**
 * Parses a selection expression (`--select`, `--exclude`, a job's selection)
 * into a tree; nothing here looks at a graph, so unknown keys are found by
 * `resolveSelection`, not here.
 *
 * Grammar, loosest binding first (`or` and `,` are one level; chains are
 * left-associative):
 *
 *     or    := and (("or" | ",") and)*
 *     and   := not ("and" not)*
 *     not   := "not" not | graph
 *     graph := [[DEPTH] "+"] primary ["+" [DEPTH]]
 *     primary := KEY | GLOB | ATTR ":" VALUE | STATE ":" STATE_VALUE | "(" or ")"
 *
 * Whitespace separates tokens and is otherwise ignored (`2 + x` is `2+x`);
 * only an attribute is one token (`tag:api`, `status:stale`, no spaces), and Dagster's
 * legacy `++` is recognised only when its pluses touch.
 *
 * Legacy forms: a run of two or more touching `+` (`++x`, `x+++`) can only
 * be Dagster's one-level-per-plus syntax, so it is rejected here with a
 * `LegacySelectionError` whatever `x` is. `*x` / `x*` are valid globs, so
 * only `resolveSelection` can tell whether they are legacy (see there).
 *
 * @example
 * parseSelection('+top_customers and not group:sources');
 * // { type: 'and', left: { type: 'graph', ... }, right: { type: 'not', ... } }
 */
export function parseSelection(text: string): SelectionNode {
  return new SelectionParser(text).parse();
}

type TokenKind = 'word' | 'attribute' | 'state' | '+' | '(' | ')' | ',' | 'and' | 'or' | 'not' | 'end';

interface Token {
  readonly kind: TokenKind;
  /** 0-based offsets into the expression; `end` is exclusive. */
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** Set on `attribute` tokens. */
  readonly attribute?: SelectionAttribute;
  readonly value?: string;
  /** Set on `state` tokens instead. */
  readonly state?: StateSelection;
}

const WORD_CHAR = /[A-Za-z0-9_*?]/;
/** A word that starts with a digit can only be a depth; `.` is taken in so `1.5+x` is reported as one bad depth. */
const DEPTH_CHAR = /[A-Za-z0-9_*?.]/;
/** Tags and groups are free-form strings, so attribute values allow a few more characters than keys. */
const VALUE_CHAR = /[A-Za-z0-9_*?\-./:@=]/;
const DIGIT = /[0-9]/;
const GLOB_CHAR = /[*?]/;
const KEYWORDS: ReadonlySet<string> = new Set(['and', 'or', 'not']);

const OPERAND_HINT =
  'An operand is an asset key (orders), a key glob (order_*), an attribute (tag:api, group:sources, kind:csv, key:order_*), ' +
  'a state (status:stale, check:failed) ' +
  'or an expression in parentheses, e.g. "+orders and group:analytics".';
const DEPTH_HINT = 'A depth is a whole number of 1 or more touching its "+": "2+x" is x and its ancestors up to 2 levels, "x+1" x and its children.';

class SelectionParser {
  readonly #text: string;
  #position = 0;
  /** End of the last token read, where an "expected ... after" caret points once the text runs out. */
  #lastEnd = 0;
  #peeked: Token | undefined;
  #openParentheses = 0;

  constructor(text: string) {
    this.#text = text;
  }

  parse(): SelectionNode {
    if (this.#peek().kind === 'end') {
      throw this.#syntaxError(0, 'the expression is empty', `Select assets by key, glob or attribute, e.g. "orders", "+daily_revenue" or "group:analytics".`);
    }
    const node = this.#parseOr(undefined);
    const token = this.#peek();
    if (token.kind === ')') {
      throw this.#syntaxError(token.start, 'unexpected ")" with no "(" to close', 'Remove it, or add the matching "(", e.g. "(orders or customers) and tag:api".');
    }
    if (token.kind !== 'end') throw this.#missingOperator(token);
    return node;
  }

  #parseOr(after: string | undefined): SelectionNode {
    let left = this.#parseAnd(after);
    for (let token = this.#peek(); token.kind === 'or' || token.kind === ','; token = this.#peek()) {
      this.#next();
      left = { type: 'or', left, right: this.#parseAnd(token.text) };
    }
    return left;
  }

  #parseAnd(after: string | undefined): SelectionNode {
    let left = this.#parseNot(after);
    for (let token = this.#peek(); token.kind === 'and'; token = this.#peek()) {
      this.#next();
      left = { type: 'and', left, right: this.#parseNot(token.text) };
    }
    return left;
  }

  #parseNot(after: string | undefined): SelectionNode {
    const token = this.#peek();
    if (token.kind !== 'not') return this.#parseGraph(after);
    this.#next();
    return { type: 'not', operand: this.#parseNot('not') };
  }

  #parseGraph(after: string | undefined): SelectionNode {
    let upstream = 0;
    let operandAfter = after;
    const first = this.#peek();
    if (first.kind === 'word' && DIGIT.test(first.text[0]!)) {
      this.#next();
      upstream = this.#depth(first);
      const plus = this.#peek();
      if (plus.kind !== '+') {
        throw this.#syntaxError(plus.start, `expected "+" after the depth "${first.text}"`, DEPTH_HINT);
      }
      this.#next();
      operandAfter = `${first.text}+`;
    } else if (first.kind === '+') {
      this.#next();
      const runEnd = this.#plusRun(first);
      if (runEnd > first.end) throw this.#legacyPlusRun(first.start, runEnd, 'prefix');
      upstream = Infinity;
      operandAfter = '+';
    }

    const operand = this.#parsePrimary(operandAfter);

    let downstream = 0;
    const plus = this.#peek();
    if (plus.kind === '+') {
      this.#next();
      const runEnd = this.#plusRun(plus);
      if (runEnd > plus.end) throw this.#legacyPlusRun(plus.start, runEnd, 'postfix');
      const depth = this.#peek();
      if (depth.kind === 'word' && DIGIT.test(depth.text[0]!)) {
        this.#next();
        downstream = this.#depth(depth);
      } else if ((depth.kind === 'word' || depth.kind === 'attribute' || depth.kind === 'state') && depth.start === plus.end) {
        // `x+y` is neither a depth nor two operands; say what a depth is rather than guess.
        throw this.#syntaxError(
          depth.start,
          `expected a depth (a whole number) after "+", found "${depth.text}"`,
          `${DEPTH_HINT} To combine two selections, join them: "x+ or y".`,
        );
      } else {
        downstream = Infinity;
      }
    }

    if (upstream === 0 && downstream === 0) return operand;
    return { type: 'graph', operand, upstream, downstream };
  }

  #parsePrimary(after: string | undefined): SelectionNode {
    const token = this.#peek();
    if (token.kind === 'word' && !DIGIT.test(token.text[0]!)) {
      this.#next();
      return GLOB_CHAR.test(token.text) ? { type: 'glob', pattern: token.text } : { type: 'key', key: token.text };
    }
    if (token.kind === 'attribute') {
      this.#next();
      return { type: 'attribute', attribute: token.attribute!, pattern: token.value! };
    }
    if (token.kind === 'state') {
      this.#next();
      return token.state!;
    }
    if (token.kind === '(') {
      this.#next();
      this.#openParentheses++;
      const inner = this.#parseOr('(');
      const close = this.#peek();
      if (close.kind === 'end') {
        throw this.#syntaxError(
          token.start,
          `"(" at column ${token.start + 1} is never closed`,
          'Close every "(" with ")", e.g. "(orders or customers) and tag:api".',
        );
      }
      if (close.kind !== ')') throw this.#missingOperator(close);
      this.#next();
      this.#openParentheses--;
      return inner;
    }
    const where = after === undefined ? 'at the start' : `after "${after}"`;
    const found = token.kind === 'end' ? '' : `, found "${token.text}"`;
    throw this.#syntaxError(token.start, `expected an asset key, tag:, group:, kind:, key:, status:, check: or "(" ${where}${found}`, OPERAND_HINT);
  }

  /** Consumes the `+` tokens touching `first` (and each other); returns where the run ends. */
  #plusRun(first: Token): number {
    let end = first.end;
    for (let token = this.#peek(); token.kind === '+' && token.start === end; token = this.#peek()) {
      this.#next();
      end = token.end;
    }
    return end;
  }

  #depth(token: Token): number {
    if (!/^[0-9]+$/.test(token.text)) {
      throw this.#syntaxError(token.start, `invalid depth "${token.text}": a depth is a whole number of 1 or more`, DEPTH_HINT);
    }
    const depth = Number(token.text);
    if (depth === 0) {
      throw this.#syntaxError(
        token.start,
        'a depth must be 1 or more, got 0',
        `Write "x" for x alone, "1+x" for x and its parents, "+x" for x and all its ancestors.`,
      );
    }
    if (!Number.isSafeInteger(depth)) {
      throw this.#syntaxError(token.start, `depth "${token.text}" is too large`, 'Write "+x" or "x+" (no number) for every level.');
    }
    return depth;
  }

  #legacyPlusRun(start: number, end: number, position: 'prefix' | 'postfix'): LegacySelectionError {
    const levels = end - start;
    const legacy = this.#text.slice(start, end);
    const replacement = position === 'prefix' ? `${levels}+` : `+${levels}`;
    const rewritten = this.#text.slice(0, start) + replacement + this.#text.slice(end);
    const meaning =
      position === 'prefix'
        ? `"${levels}+x" is x and its ancestors up to ${levels} levels; "+x" is all of them`
        : `"x+${levels}" is x and its descendants up to ${levels} levels; "x+" is all of them`;
    return new LegacySelectionError({
      reason: `"${legacy}" is Dagster's legacy one-level-per-plus syntax, which Strata does not read`,
      legacy,
      replacement,
      hint: `Write "${rewritten.trim()}": ${meaning}.`,
      expression: this.#text,
      column: start + 1,
    });
  }

  #missingOperator(token: Token): SelectionSyntaxError {
    const expected = this.#openParentheses > 0 ? '"and", "or", "," or ")"' : '"and", "or" or ","';
    let hint = 'Join two selections with "or" (or ","), or intersect them with "and", e.g. "orders or customers".';
    if (token.kind === 'word' && KEYWORDS.has(token.text.toLowerCase())) {
      hint = `Keywords are lowercase: write "${token.text.toLowerCase()}".`;
    } else if (token.kind === 'not') {
      hint = '"not" comes before its operand and needs "and" to combine: "a and not b".';
    }
    return this.#syntaxError(token.start, `expected ${expected} before "${token.text}"`, hint);
  }

  #syntaxError(offset: number, reason: string, hint: string): SelectionSyntaxError {
    return new SelectionSyntaxError(this.#text, offset + 1, reason, hint);
  }

  #peek(): Token {
    this.#peeked ??= this.#lex();
    return this.#peeked;
  }

  #next(): Token {
    const token = this.#peek();
    this.#peeked = undefined;
    this.#lastEnd = token.end;
    return token;
  }

  /**
   * Reads one token on demand, so that of several mistakes the leftmost is
   * reported (a stray character late in the text does not hide an earlier one).
   */
  #lex(): Token {
    const text = this.#text;
    while (this.#position < text.length && /\s/.test(text[this.#position]!)) this.#position++;
    const start = this.#position;
    if (start >= text.length) return { kind: 'end', start: this.#lastEnd, end: this.#lastEnd, text: '' };

    const char = text[start]!;
    if (char === '+' || char === '(' || char === ')' || char === ',') {
      this.#position++;
      return { kind: char, start, end: start + 1, text: char };
    }
    if (!WORD_CHAR.test(char)) throw this.#strayCharacter(start);

    const wordChar = DIGIT.test(char) ? DEPTH_CHAR : WORD_CHAR;
    let end = start;
    while (end < text.length && wordChar.test(text[end]!)) end++;
    const word = text.slice(start, end);

    if (text[end] === ':' && wordChar === WORD_CHAR) {
      const isState = Object.hasOwn(SELECTION_STATES, word);
      if (!isState && !(SELECTION_ATTRIBUTES as readonly string[]).includes(word)) {
        throw this.#syntaxError(
          start,
          `unknown attribute "${word}:"; use tag:, group:, kind:, key:, status: or check:`,
          'Select by tag (tag:api), group (group:sources), IO manager kind (kind:csv), key glob (key:order_*), status (status:stale) or check results (check:failed).',
        );
      }
      const valueStart = end + 1;
      let valueEnd = valueStart;
      while (valueEnd < text.length && VALUE_CHAR.test(text[valueEnd]!)) valueEnd++;
      if (valueEnd === valueStart) {
        const hint = isState
          ? `Write one of ${listStateValues(word as SelectionStateAttribute)} right after the colon, e.g. "${word}:${SELECTION_STATES[word as SelectionStateAttribute][1]}".`
          : `Write the value right after the colon, e.g. "${word}:${exampleValue(word)}"; "*" and "?" make it a glob.`;
        throw this.#syntaxError(valueStart, `expected a value after "${word}:"`, hint);
      }
      this.#position = valueEnd;
      if (isState) return { kind: 'state', start, end: valueEnd, text: text.slice(start, valueEnd), state: this.#state(word as SelectionStateAttribute, valueStart, valueEnd) };
      return {
        kind: 'attribute',
        start,
        end: valueEnd,
        text: text.slice(start, valueEnd),
        attribute: word as SelectionAttribute,
        value: text.slice(valueStart, valueEnd),
      };
    }

    this.#position = end;
    const kind: TokenKind = KEYWORDS.has(word) ? (word as 'and' | 'or' | 'not') : 'word';
    return { kind, start, end, text: word };
  }

  /** A state atom; its value is one of a fixed few, so anything else is a syntax error (with did-you-mean), not an empty selection. */
  #state(attribute: SelectionStateAttribute, valueStart: number, valueEnd: number): StateSelection {
    const value = this.#text.slice(valueStart, valueEnd);
    const values: readonly string[] = SELECTION_STATES[attribute];
    if (!values.includes(value)) {
      const [closest] = suggestClosest(value.toLowerCase(), values, 1);
      throw this.#syntaxError(
        valueStart,
        `unknown ${attribute} "${value}"${closest === undefined ? '' : `; did you mean "${attribute}:${closest}"?`}`,
        `A ${attribute} is one of ${listStateValues(attribute)}, e.g. "${attribute}:${values[1]}".`,
      );
    }
    return { type: 'state', attribute, value } as StateSelection;
  }

  #strayCharacter(offset: number): SelectionSyntaxError {
    const text = this.#text;
    const char = String.fromCodePoint(text.codePointAt(offset)!);
    let hint = 'Asset keys use letters, digits and "_"; combine selections with "and", "or", "not", "," and parentheses, e.g. "+daily_revenue or tag:api".';
    if (char === '&') hint = 'Intersect selections with "and", e.g. "tag:api and group:sources".';
    else if (char === '|') hint = 'Join selections with "or" (or ","), e.g. "orders or customers".';
    else if (char === '-' && offset > 0 && WORD_CHAR.test(text[offset - 1]!)) hint = 'Asset keys join words with "_", not "-".';
    else if (char === '!' || char === '~' || char === '-') hint = 'Leave assets out with "not", e.g. "* and not group:sources".';
    else if (char === '"' || char === "'" || char === '`') hint = 'Write keys and attribute values without quotes, e.g. tag:api.';
    else if (char === ':') hint = 'Write an attribute with no space around ":", e.g. tag:api, group:sources, kind:csv, key:order_*.';
    return this.#syntaxError(offset, `unexpected character "${char}"`, hint);
  }
}

function listStateValues(attribute: SelectionStateAttribute): string {
  const values = SELECTION_STATES[attribute];
  return `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
}

function exampleValue(attribute: string): string {
  switch (attribute) {
    case 'tag':
      return 'api';
    case 'group':
      return 'sources';
    case 'kind':
      return 'csv';
    default:
      return 'order_*';
  }
}
