/** The compiler's diagnostics as LSP diagnostics, and their fixes as quick fixes. */
import {
  CodeActionKind, DiagnosticSeverity, type CodeAction, type Diagnostic as LspDiagnostic, type Range, type TextEdit,
} from 'vscode-languageserver';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { SourceFile } from '../syntax/source.ts';
import { toOffset, toRange } from './positions.ts';
import type { LakeState } from './workspace.ts';

const severities = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

export function toLspDiagnostic(d: Diagnostic, file: SourceFile): LspDiagnostic {
  return {
    range: toRange(file, d.span),
    severity: severities[d.severity],
    code: d.code,
    source: 'lakec',
    // The hint is part of what the CLI prints; editors show the message as one block.
    message: d.hint !== undefined ? `${d.message}\n${d.hint}` : d.message,
  };
}

/** Diagnostics of each file of the lake, by path (files without any get an empty list). */
export function diagnosticsByFile(state: LakeState): Map<string, LspDiagnostic[]> {
  const out = new Map<string, LspDiagnostic[]>();
  for (const path of state.files.keys()) out.set(path, []);
  for (const d of state.compilation.diagnostics) {
    const file = state.files.get(d.span.file);
    if (file === undefined) continue;
    out.get(d.span.file)!.push(toLspDiagnostic(d, file));
  }
  return out;
}

/** A quick fix for every fix of a diagnostic that touches the range; the only fix of a diagnostic is preferred. */
export function quickFixes(state: LakeState, file: SourceFile, range: Range, uriOf: (path: string) => string): CodeAction[] {
  const start = toOffset(file, range.start);
  const end = toOffset(file, range.end);
  const out: CodeAction[] = [];
  for (const d of state.compilation.diagnostics) {
    if (d.span.file !== file.path || d.fixes === undefined || d.span.end < start || d.span.start > end) continue;
    for (const fix of d.fixes) {
      const target = state.files.get(fix.span.file);
      if (target === undefined) continue;
      const edit: TextEdit = { range: toRange(target, fix.span), newText: fix.text };
      out.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [toLspDiagnostic(d, file)],
        isPreferred: d.fixes.length === 1,
        edit: { changes: { [uriOf(fix.span.file)]: [edit] } },
      });
    }
  }
  return out;
}
