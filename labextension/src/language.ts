// kdsl for CodeMirror 6: a stream tokenizer over the grammar's own keywords and patterns, and a highlight
// style whose classes belong to this extension (so kdsl's look is the extension's, and testable as such).

import {
  HighlightStyle,
  indentUnit,
  LanguageSupport,
  StreamLanguage,
  StreamParser,
  StringStream,
  syntaxHighlighting
} from '@codemirror/language';
import { Prec } from '@codemirror/state';
import { Tag, tags as t } from '@lezer/highlight';

import { CMP, KEYWORDS, NUMBER, WORD_CHAR } from './grammar';

export const KDSL_MIME = 'text/x-kdsl';

// A `%%kdsl` cell: the magic is its first line that is not blank (IPython drops leading blank lines).
export const CELL_MAGIC = /^(?:[ \t]*\r?\n)*%%kdsl(?=\s|$)/;

const WORD = `${WORD_CHAR}+`;
const END = `(?!${WORD_CHAR})`;
const escape = (word: string): string => word.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');

// Same order of rules as kdsl.lang.highlight.KdslLexer: attributes before keywords, so `port=80` is an
// attribute while `port http 80` starts with a keyword.
const ATTRIBUTE = new RegExp(`^${WORD}(?=${CMP})`);
const SPACED_ATTRIBUTE = new RegExp(`^${WORD}(?=[ \\t]+${CMP}[ \\t])`);
const KEYWORD = new RegExp(`^(?:${[...KEYWORDS].sort((a, b) => b.length - a.length).map(escape).join('|')})${END}`);
const AMOUNT = new RegExp(`^${NUMBER}`);
const BARE_WORD = new RegExp(`^${WORD}`);
const OPERATOR = /^(?:->|!=|>=|<=|[=~:<>!])/;
const BRACE = /^[{}()]/;
const SEPARATOR = /^[;,]/;
const MAGIC = /^%%kdsl(?=\s|$)/;
const OPTION = /^--?[A-Za-z][\w-]*/;

/** kdsl's own tags, each a kind of CodeMirror's standard one so other tools still know what a token is. */
export const kdslTags = {
  keyword: Tag.define(t.keyword),
  attribute: Tag.define(t.attributeName),
  amount: Tag.define(t.number),
  string: Tag.define(t.string),
  comment: Tag.define(t.lineComment),
  operator: Tag.define(t.operator),
  brace: Tag.define(t.brace),
  separator: Tag.define(t.separator),
  magic: Tag.define(t.processingInstruction),
  option: Tag.define(t.attributeName)
};

type Token = keyof typeof kdslTags;

interface State {
  triple: boolean; // inside a """ string that spans lines
  started: boolean; // a non-blank line has been seen (the magic may only come first)
  magicLine: boolean; // on the `%%kdsl ...` line
  depth: number; // open `{` blocks, for indenting the next line
}

function stringBody(stream: StringStream, state: State): Token {
  while (!stream.eol()) {
    if (stream.eat('\\')) {
      stream.next();
    } else if (stream.match('"""')) {
      state.triple = false;
      break;
    } else {
      stream.next();
    }
  }
  return 'string';
}

function quoted(stream: StringStream): Token {
  while (!stream.eol()) {
    const ch = stream.next();
    if (ch === '\\') {
      stream.next();
    } else if (ch === '"') {
      break;
    }
  }
  return 'string';
}

function token(stream: StringStream, state: State): Token | null {
  if (stream.sol()) {
    state.magicLine = !state.started && !state.triple && stream.match(MAGIC, false) !== null;
    state.started = state.started || /\S/.test(stream.string);
  }
  if (state.triple) {
    return stringBody(stream, state);
  }
  if (stream.eatSpace()) {
    return null;
  }
  if (state.magicLine) {
    if (stream.match(MAGIC)) {
      return 'magic';
    }
    if (stream.match(OPTION)) {
      return 'option';
    }
    if (stream.match(AMOUNT)) {
      return 'amount';
    }
    stream.match(BARE_WORD) || stream.next();
    return null;
  }
  if (stream.match(/^\\$/)) {
    return null;
  }
  if (stream.peek() === '#') {
    stream.skipToEnd();
    return 'comment';
  }
  if (stream.match('"""')) {
    state.triple = true;
    return stringBody(stream, state);
  }
  if (stream.eat('"')) {
    return quoted(stream);
  }
  if (stream.match(ATTRIBUTE) || stream.match(SPACED_ATTRIBUTE)) {
    return 'attribute';
  }
  if (stream.match(KEYWORD)) {
    return 'keyword';
  }
  if (stream.match(AMOUNT)) {
    return 'amount';
  }
  if (stream.match(BARE_WORD)) {
    return null;
  }
  if (stream.match(OPERATOR)) {
    return 'operator';
  }
  const brace = stream.match(BRACE);
  if (brace) {
    const ch = (brace as RegExpMatchArray)[0];
    state.depth = Math.max(0, state.depth + (ch === '{' ? 1 : ch === '}' ? -1 : 0));
    return 'brace';
  }
  if (stream.match(SEPARATOR)) {
    return 'separator';
  }
  stream.next();
  return null;
}

// Token names carry a prefix: CodeMirror resolves CodeMirror 5's names (`attribute`, `string-2`, ...) before
// a tokenTable, so a bare `attribute` would never reach kdsl's tag.
const parser: StreamParser<State> = {
  name: 'kdsl',
  startState: () => ({ triple: false, started: false, magicLine: false, depth: 0 }),
  token: (stream, state) => {
    const kind = token(stream, state);
    return kind && `kdsl-${kind}`;
  },
  // A block's body one unit in; its `}` back out (typing `}` re-indents its line).
  indent: (state, textAfter, context) =>
    state.triple ? null : Math.max(0, state.depth - (/^\s*\}/.test(textAfter) ? 1 : 0)) * context.unit,
  tokenTable: Object.fromEntries(Object.entries(kdslTags).map(([kind, tag]) => [`kdsl-${kind}`, tag])),
  languageData: { commentTokens: { line: '#' }, indentOnInput: /^\s*\}$/ }
};

export const kdslLanguage = StreamLanguage.define(parser);

/** Classes `cm-kdsl-*`: style/base.css colours them with the theme's --jp-mirror-editor-*-color variables. */
export const kdslHighlightStyle = HighlightStyle.define(
  (Object.keys(kdslTags) as Token[]).map(name => ({ tag: kdslTags[name], class: `cm-kdsl-${name}` }))
);

/** kdsl in an editor: its highlighting, and blocks indented by two spaces as `kdsl fmt` writes them. */
export function kdsl(): LanguageSupport {
  return new LanguageSupport(kdslLanguage, [syntaxHighlighting(kdslHighlightStyle), Prec.high(indentUnit.of('  '))]);
}
