/**
 * The first difference between a file and its formatted text, as a short unified-diff hunk:
 * `lakec fmt --check` shows it under each file that is not formatted.
 */

/** Beyond this many line pairs the changed region is not diffed line by line. */
const MAX_CELLS = 4_000_000;

type Op = { readonly kind: ' ' | '-' | '+'; readonly text: string };

export function firstDifference(before: string, after: string, context = 2, maxLines = 12): string {
  if (before === after) return '';
  const a = splitLines(before.replace(/\r\n/g, '\n'));
  const b = splitLines(after.replace(/\r\n/g, '\n'));
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  if (prefix === a.length && prefix === b.length) {
    // The same lines: what differs is invisible in a diff.
    const what = [
      ...(before.includes('\r') !== after.includes('\r') ? ['line ends (\\r\\n becomes \\n)'] : []),
      ...(before.endsWith('\n') !== after.endsWith('\n') ? ['the line break at the end of the file'] : []),
    ];
    return `(same lines; what differs: ${what.length > 0 ? what.join(', ') : 'invisible characters'})`;
  }
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  const ops = diffLines(a.slice(prefix, a.length - suffix), b.slice(prefix, b.length - suffix));

  // The first hunk: the changes up to the first run of more than 2 * context equal lines.
  const shown: Op[] = [];
  for (let i = 0; i < ops.length && shown.length < maxLines; i++) {
    const op = ops[i]!;
    if (op.kind === ' ') {
      let run = 0;
      while (i + run < ops.length && ops[i + run]!.kind === ' ') run++;
      if (run > 2 * context) break;
    }
    shown.push(op);
  }
  const truncated = shown.length < ops.length && shown.length >= maxLines;
  const lead = a.slice(Math.max(0, prefix - context), prefix).map((text): Op => ({ kind: ' ', text }));
  const consumedA = shown.filter((o) => o.kind !== '+').length;
  const tailStart = prefix + consumedA;
  const tail = truncated ? [] : a.slice(tailStart, tailStart + context).map((text): Op => ({ kind: ' ', text }));
  const hunk = [...lead, ...shown, ...tail];
  const countA = hunk.filter((o) => o.kind !== '+').length;
  const countB = hunk.filter((o) => o.kind !== '-').length;
  const start = prefix - lead.length + 1;
  const header = `@@ -${start},${countA} +${start},${countB} @@`;
  return [header, ...hunk.map((o) => `${o.kind}${o.text}`), ...(truncated ? ['...'] : [])].join('\n');
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Line diff by longest common subsequence (the regions diffed are small). */
function diffLines(a: readonly string[], b: readonly string[]): Op[] {
  if (a.length * b.length > MAX_CELLS) {
    return [...a.map((text): Op => ({ kind: '-', text })), ...b.map((text): Op => ({ kind: '+', text }))];
  }
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] = a[i] === b[j] ? lcs[(i + 1) * width + j + 1]! + 1 : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ kind: ' ', text: a[i++]! });
      j++;
    } else if (i < a.length && (j === b.length || lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!)) {
      ops.push({ kind: '-', text: a[i++]! });
    } else {
      ops.push({ kind: '+', text: b[j++]! });
    }
  }
  return ops;
}
