/** The benchmark input stays valid as rules are added: it must check without errors or warnings. */
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/driver/compile.ts';
import { syntheticSpec } from './synthetic.ts';

describe('syntheticSpec', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    expect(syntheticSpec({ datasets: 30, seed: 7 })).toBe(syntheticSpec({ datasets: 30, seed: 7 }));
    expect(syntheticSpec({ datasets: 30, seed: 7 })).not.toBe(syntheticSpec({ datasets: 30, seed: 8 }));
  });

  for (const seed of [1, 2, 20_250_101]) {
    it(`checks without diagnostics (seed ${seed})`, () => {
      const text = syntheticSpec({ datasets: 60, seed });
      const c = compile([{ path: 'synthetic.lake', text }]);
      expect(c.diagnostics.map((d) => `${d.code} ${d.severity} ${d.message}`)).toEqual([]);
      expect(c.model?.datasets).toHaveLength(60);
    });
  }
});
