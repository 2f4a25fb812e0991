/** Formatting: the `lakec fmt` printer, sent as one edit covering only the lines that change. */
import type { TextEdit } from 'vscode-languageserver';
import { formatSource } from '../syntax/printer.ts';
import type { SourceFile } from '../syntax/source.ts';
import { toRange } from './positions.ts';

/** No edits when the file has syntax errors (the printer formats only what it can read whole). */
export function formatEdits(file: SourceFile): TextEdit[] {
  const formatted = formatSource(file.path, file.text).text;
  if (formatted === undefined || formatted === file.text) return [];
  const a = file.text;
  let start = 0;
  const max = Math.min(a.length, formatted.length);
  while (start < max && a.charCodeAt(start) === formatted.charCodeAt(start)) start++;
  // Start at a line start, so the edit reads as whole lines.
  start = a.lastIndexOf('\n', start - 1) + 1;
  let endA = a.length;
  let endB = formatted.length;
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === formatted.charCodeAt(endB - 1)) {
    endA--;
    endB--;
  }
  return [{ range: toRange(file, { start, end: endA }), newText: formatted.slice(start, endB) }];
}
