import type { Rule } from '../rule.ts';

/** A spec describes one lake: its name prefixes every generated resource. */
export const lakeDeclaration: Rule = {
  code: 'LAKE1001',
  severity: 'error',
  title: 'not exactly one lake',
  description:
    'A spec, in one file or spread over a folder, describes exactly one lake: the `lake` block names the lake, its region, ' +
    'owner and encryption, and its name prefixes every generated resource (the zone databases are `<lake>_<zone>`). ' +
    'A spec without a `lake` block is reported at the start of its first file; a second `lake` block is reported at its name, ' +
    'with the file of the first one in the hint. To describe two lakes, write two specs: two files of one folder that each ' +
    'declare a lake are two lakes, each checked on its own (see LAKE0010).',
  example: 'zone raw { layer = raw }\n\ndataset orders in raw { ... }',
  fixed: 'lake shop {\n  region = "us-east-1"\n}\n\nzone raw { layer = raw }\n\ndataset orders in raw { ... }',
  check({ lake, report, locate }) {
    const [first, ...extra] = lake.lakes;
    if (first === undefined) {
      const file = lake.files[0];
      if (file === undefined) return;
      report(
        { file: file.path, start: 0, end: 0 },
        lake.files.length > 1 ? `no lake is declared in any of the ${lake.files.length} files of this spec` : 'no lake is declared in this spec',
        'declare the lake once, for instance: lake shop { region = "us-east-1" }',
      );
      return;
    }
    for (const l of extra) {
      report(
        l.nameSpan,
        `a second lake '${l.name}' is declared; a spec describes exactly one lake`,
        `the lake '${first.name}' is declared at ${locate(first.nameSpan)}: keep one lake block (merge its attributes) or move '${l.name}' to a spec of its own`,
      );
    }
  },
};
