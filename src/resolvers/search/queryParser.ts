import { BadInput } from '../../errors.js';

/**
 * The query language of WoodWing Assets' search (Lucene's syntax): `field:value`, "quoted phrases",
 * wildcards `*` and `?`, AND / OR / NOT (also `-term`) with implicit AND, parentheses, `field:(a OR b)`,
 * ranges `[a TO b]`, `{a TO b}` (and half-open mixes), and bare words as free text.
 */
export type QueryNode =
  | { kind: 'and'; children: QueryNode[] }
  | { kind: 'or'; children: QueryNode[] }
  | { kind: 'not'; child: QueryNode }
  | { kind: 'all' }
  | { kind: 'term'; field: string | null; value: string; phrase: boolean; position: number }
  | {
      kind: 'range';
      field: string;
      from: string | null;
      to: string | null;
      includeFrom: boolean;
      includeTo: boolean;
      position: number;
    };

type Token =
  | { type: 'word'; text: string; position: number }
  | { type: 'phrase'; text: string; position: number }
  | { type: 'op'; text: '(' | ')' | ':' | '-' | '+' | '[' | ']' | '{' | '}'; position: number }
  | { type: 'end'; position: number };

export class QuerySyntaxError extends BadInput {
  constructor(message: string, position: number) {
    super(`Cannot read the query at position ${position + 1}: ${message}`, { position: position + 1 });
  }
}

const SPECIAL = new Set(['(', ')', ':', '[', ']', '{', '}', '"']);

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let inRange = false;
  while (i < query.length) {
    const c = query[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      const start = i;
      let text = '';
      i++;
      while (i < query.length && query[i] !== '"') {
        if (query[i] === '\\' && i + 1 < query.length) i++;
        text += query[i];
        i++;
      }
      if (i >= query.length) throw new QuerySyntaxError('a quoted phrase is not closed', start);
      i++;
      tokens.push({ type: 'phrase', text, position: start });
    } else if (
      (SPECIAL.has(c) && !(inRange && c === ':')) ||
      ((c === '-' || c === '+') && !inRange && (i === 0 || /[\s(]/.test(query[i - 1] as string)))
    ) {
      if (c === '[' || c === '{') inRange = true;
      if (c === ']' || c === '}') inRange = false;
      tokens.push({ type: 'op', text: c as never, position: i });
      i++;
    } else {
      const start = i;
      let text = '';
      // Inside [a TO b] a bound runs to the next space or bracket: 2026-11-22T09:00:00Z keeps its colons.
      const ends = (ch: string) => /\s/.test(ch) || (inRange ? ']}'.includes(ch) : SPECIAL.has(ch));
      while (i < query.length && !ends(query[i] as string)) {
        if (query[i] === '\\' && i + 1 < query.length) i++;
        text += query[i];
        i++;
      }
      tokens.push({ type: 'word', text, position: start });
    }
  }
  tokens.push({ type: 'end', position: query.length });
  return tokens;
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.index] as Token;
  }

  private next(): Token {
    return this.tokens[this.index++] as Token;
  }

  private isWord(token: Token, text: string): boolean {
    return token.type === 'word' && token.text === text;
  }

  parse(): QueryNode {
    if (this.peek().type === 'end') return { kind: 'all' };
    const node = this.orExpression(null);
    const rest = this.peek();
    if (rest.type !== 'end') throw new QuerySyntaxError(`unexpected ${describe(rest)}`, rest.position);
    return node;
  }

  private orExpression(field: string | null): QueryNode {
    const children = [this.andExpression(field)];
    while (this.isWord(this.peek(), 'OR') || this.isWord(this.peek(), '||')) {
      this.next();
      children.push(this.andExpression(field));
    }
    return children.length === 1 ? (children[0] as QueryNode) : { kind: 'or', children };
  }

  private andExpression(field: string | null): QueryNode {
    const children = [this.unary(field)];
    for (;;) {
      const token = this.peek();
      if (token.type === 'end' || (token.type === 'op' && token.text === ')')) break;
      if (this.isWord(token, 'OR') || this.isWord(token, '||')) break;
      if (this.isWord(token, 'AND') || this.isWord(token, '&&')) this.next();
      children.push(this.unary(field));
    }
    return children.length === 1 ? (children[0] as QueryNode) : { kind: 'and', children };
  }

  private unary(field: string | null): QueryNode {
    const token = this.peek();
    if (this.isWord(token, 'NOT') || this.isWord(token, '!') || (token.type === 'op' && token.text === '-')) {
      this.next();
      return { kind: 'not', child: this.unary(field) };
    }
    if (token.type === 'op' && token.text === '+') this.next();
    return this.primary(field);
  }

  private primary(field: string | null): QueryNode {
    const token = this.next();
    if (token.type === 'op' && token.text === '(') {
      const inner = this.orExpression(field);
      const close = this.next();
      if (close.type !== 'op' || close.text !== ')') throw new QuerySyntaxError('a "(" is not closed', token.position);
      return inner;
    }
    if (token.type === 'phrase')
      return { kind: 'term', field, value: token.text, phrase: true, position: token.position };
    if (token.type === 'op' && (token.text === '[' || token.text === '{')) {
      if (!field) throw new QuerySyntaxError('a range needs a field, e.g. fileSize:[0 TO 1000]', token.position);
      return this.range(field, token);
    }
    if (token.type !== 'word') throw new QuerySyntaxError(`unexpected ${describe(token)}`, token.position);
    if (['AND', 'OR', '&&', '||'].includes(token.text)) {
      throw new QuerySyntaxError(`"${token.text}" needs a term on each side`, token.position);
    }
    const colon = this.peek();
    if (colon.type === 'op' && colon.text === ':') {
      if (field) throw new QuerySyntaxError('a field inside a field group', token.position);
      this.next();
      const value = this.peek();
      if (value.type === 'end' || (value.type === 'op' && value.text === ')')) {
        throw new QuerySyntaxError(`the field "${token.text}" has no value`, colon.position);
      }
      return this.primary(token.text);
    }
    return { kind: 'term', field, value: token.text, phrase: false, position: token.position };
  }

  private range(field: string, open: Token & { type: 'op' }): QueryNode {
    const from = this.next();
    let to: Token | undefined;
    if (this.isWord(this.peek(), 'TO')) {
      this.next();
      to = this.next();
    }
    const close = this.next();
    if (!to || (from.type !== 'word' && from.type !== 'phrase') || (to.type !== 'word' && to.type !== 'phrase')) {
      throw new QuerySyntaxError('a range reads [from TO to], with * for an open end', open.position);
    }
    if (close.type !== 'op' || (close.text !== ']' && close.text !== '}')) {
      throw new QuerySyntaxError('a range is not closed with ] or }', open.position);
    }
    return {
      kind: 'range',
      field,
      from: from.text === '*' ? null : from.text,
      to: to.text === '*' ? null : to.text,
      includeFrom: open.text === '[',
      includeTo: close.text === ']',
      position: open.position,
    };
  }
}

function describe(token: Token): string {
  if (token.type === 'end') return 'end of the query';
  return `"${token.text}"`;
}

export function parseQuery(query: string): QueryNode {
  // Neither database's text search can take a NUL: SQLite's FTS5 ends its query there, PostgreSQL refuses it.
  const nul = query.indexOf('\u0000');
  if (nul >= 0) throw new QuerySyntaxError('a NUL character (U+0000) cannot be searched for', nul);
  return new Parser(tokenize(query)).parse();
}
