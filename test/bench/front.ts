/** The compiler phases the front-end benchmark times, as one entry point for its bundle. */
export { DiagnosticBag } from '../../compiler/diagnostics/diagnostic.ts';
export { compile } from '../../compiler/driver/compile.ts';
export { lower } from '../../compiler/model/lower.ts';
export { bind } from '../../compiler/semantic/bind.ts';
export { parseFile } from '../../compiler/syntax/parse.ts';
export { validate } from '../../compiler/validation/validate.ts';
