/**
 * runtime/dataset.ts mirrors the lake model's column types and sources (the runtime ships
 * without the compiler). These assertions fail the type-check (npm test runs tsc) the day the
 * two drift apart.
 */
import { describe, expect, it } from 'vitest';
import type { SourceModel, TypeModel } from '../../compiler/model/model.ts';
import type { SourceSpec, TypeSpec } from '../../runtime/dataset.ts';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const typesAgree: Same<TypeModel, TypeSpec> = true;
const sourcesAgree: Same<SourceModel, SourceSpec> = true;

describe('runtime dataset specs', () => {
  it('mirror the lake model exactly', () => {
    expect([typesAgree, sourcesAgree]).toEqual([true, true]);
  });
});
