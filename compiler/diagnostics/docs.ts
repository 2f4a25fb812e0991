/** The Markdown reference of every diagnostic code, generated into docs/language.md. */
import { allCodes } from './codes.ts';

export function diagnosticsMarkdown(): string {
  const codes = allCodes();
  const out: string[] = ['', '| code | severity | what |', '| --- | --- | --- |'];
  for (const c of codes) out.push(`| [${c.code}](#${c.code.toLowerCase()}) | ${c.severity} | ${c.title} |`);
  for (const c of codes) {
    out.push('', `### ${c.code}`, '', `**${c.title}** (${c.severity})`, '', c.description, '', '```lake', c.example, '```');
    if (c.fixed !== undefined) out.push('', 'Fixed:', '', '```lake', c.fixed, '```');
  }
  out.push('');
  return out.join('\n');
}
