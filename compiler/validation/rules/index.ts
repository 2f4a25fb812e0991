/** The registry of validation rules, in code order. Add a rule here and give it fixtures under test/validation/rules/. */
import type { Rule } from '../rule.ts';
import { unknownReference } from './unknownReference.ts';

export const rules: readonly Rule[] = [
  unknownReference,
].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
