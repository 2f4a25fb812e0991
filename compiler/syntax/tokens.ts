/**
 * The .lake vocabulary. Keywords are few on purpose: words that only mean something inside
 * a value (`after`, `records`, `within`, `kpu`, `glacier`, ...) are plain names, decoded by the
 * binder, so a misspelling there gets a "did you mean" instead of a parse error.
 * Every keyword is also in the `Name` category, so a column or attribute may still be called
 * `key` or `from`.
 */
import { createToken, Lexer, type TokenType } from 'chevrotain';

export const Name = createToken({ name: 'Name', pattern: Lexer.NA });
export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/, categories: [Name] });

function keyword(word: string): TokenType {
  return createToken({
    name: word[0]!.toUpperCase() + word.slice(1),
    pattern: new RegExp(word),
    longer_alt: Identifier,
    categories: [Name],
    label: `'${word}'`,
  });
}

export const Lake = keyword('lake');
export const Zone = keyword('zone');
export const Classification = keyword('classification');
export const Stream = keyword('stream');
export const Dataset = keyword('dataset');
export const Persona = keyword('persona');
export const Grant = keyword('grant');
export const In = keyword('in');
export const Columns = keyword('columns');
export const On = keyword('on');
export const To = keyword('to');
export const Where = keyword('where');
export const Except = keyword('except');
export const And = keyword('and');
export const Or = keyword('or');
export const Not = keyword('not');
export const Is = keyword('is');
export const Null = keyword('null');

/** Keywords that start a top-level declaration: error recovery re-synchronizes on them. */
export const declarationKeywords = [Lake, Zone, Classification, Stream, Dataset, Persona, Grant];
export const keywordTokens = [
  ...declarationKeywords, In, Columns, On, To, Where, Except, And, Or, Not, Is, Null,
];

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\f\uFEFF]+/, group: Lexer.SKIPPED });
export const DocComment = createToken({ name: 'DocComment', pattern: /\/\/\/[^\n]*/, group: 'comments' });
export const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\n]*/, group: 'comments' });
export const BlockComment = createToken({ name: 'BlockComment', pattern: /\/\*[\s\S]*?\*\//, group: 'comments', line_breaks: true });
/**
 * An unterminated block comment runs to the end of the file, or to the first line that starts
 * a declaration at column 1: a forgotten end of comment then costs one diagnostic (the lexer reports it)
 * instead of hiding every later declaration and reporting each use of them as unknown.
 */
export const UnterminatedBlockComment = createToken({
  name: 'UnterminatedBlockComment',
  pattern: { exec: unterminatedBlockComment },
  start_chars_hint: ['/'],
  group: 'errors',
  line_breaks: true,
});

const declarationLine = /\r?\n(?:lake|zone|classification|stream|dataset|persona|grant)[ \t]+[A-Za-z_]/g;

function unterminatedBlockComment(text: string, offset: number): [string] | null {
  if (!text.startsWith('/*', offset)) return null;
  declarationLine.lastIndex = offset + 2;
  const next = declarationLine.exec(text);
  return [text.slice(offset, next === null ? text.length : next.index)];
}

export const StringLiteral = createToken({ name: 'StringLiteral', pattern: /"(?:[^"\\\n]|\\.)*"/, label: 'a string' });
/** Kept in the token stream as a string (so parsing goes on); the lexer step reports it. */
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /"(?:[^"\\\n]|\\.)*/, categories: [StringLiteral] });
/** Single-quoted strings, as SQL writes them, for row filters. `''` escapes a quote. */
export const SqlString = createToken({ name: 'SqlString', pattern: /'(?:[^'\n]|'')*'/, label: "a 'string'" });
export const UnterminatedSqlString = createToken({ name: 'UnterminatedSqlString', pattern: /'(?:[^'\n]|'')*/, categories: [SqlString] });
export const NumberLiteral = createToken({ name: 'NumberLiteral', pattern: /\d[\d_]*(?:\.\d[\d_]*)?/, label: 'a number' });
/** `$.instrument.symbol`, `$.items[0].sku`, `$["odd key"]`: one token, checked by the binder. */
export const JsonPath = createToken({
  name: 'JsonPath',
  pattern: /\$(?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\]|\["(?:[^"\\\n]|\\.)*"\]|\.)*/,
  label: 'a JSON path',
});

function punct(name: string, pattern: string | RegExp, label: string): TokenType {
  return createToken({ name, pattern, label: `'${label}'` });
}

export const LCurly = punct('LCurly', '{', '{');
export const RCurly = punct('RCurly', '}', '}');
export const LParen = punct('LParen', '(', '(');
export const RParen = punct('RParen', ')', ')');
export const LBracket = punct('LBracket', '[', '[');
export const RBracket = punct('RBracket', ']', ']');
export const Comma = punct('Comma', ',', ',');
export const Colon = punct('Colon', ':', ':');
export const Semicolon = punct('Semicolon', ';', ';');
export const DotDot = punct('DotDot', '..', '..');
export const Question = punct('Question', '?', '?');
export const At = punct('At', '@', '@');
export const NotEq = punct('NotEq', /<>|!=/, '<>');
export const LtEq = punct('LtEq', '<=', '<=');
export const GtEq = punct('GtEq', '>=', '>=');
export const Lt = punct('Lt', '<', '<');
export const Gt = punct('Gt', '>', '>');
export const Equals = punct('Equals', '=', '=');
export const Minus = punct('Minus', '-', '-');

/**
 * Never produced by the lexer: the parser appends it to each declaration's tokens, so that
 * recovery can insert a missing `}` or name right before the end of a declaration.
 */
export const EndOfDeclaration = createToken({ name: 'EndOfDeclaration', pattern: Lexer.NA, label: 'the end of the declaration' });


export const comparisonTokens = [NotEq, LtEq, GtEq, Lt, Gt, Equals];

export const allTokens: TokenType[] = [
  WhiteSpace,
  DocComment,
  LineComment,
  BlockComment,
  UnterminatedBlockComment,
  StringLiteral,
  UnterminatedString,
  SqlString,
  UnterminatedSqlString,
  JsonPath,
  NumberLiteral,
  ...keywordTokens,
  Identifier,
  Name,
  LCurly,
  RCurly,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Colon,
  Semicolon,
  DotDot,
  Question,
  At,
  NotEq,
  LtEq,
  GtEq,
  Lt,
  Gt,
  Equals,
  Minus,
  EndOfDeclaration,
];
// Any other character is not a token: the lexer skips the run and reports it (LAKE0001). A
// catch-all token would defeat the lexer's first-character optimization and halve its speed.
