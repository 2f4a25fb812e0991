/** "Did you mean": which known name a mistaken one is closest to (compiler/diagnostics/suggest.ts). */
import { describe, expect, it } from 'vitest';
import { closest } from '../../compiler/diagnostics/suggest.ts';

describe('closest', () => {
  const columns = ['claim_id', 'paid_amount', 'member_id', 'valid_from', 'valid_to', 'service_date'];
  it.each([
    ['paid_amont', 'paid_amount'], // a letter missing
    ['claim_di', 'claim_id'], // two letters swapped
    ['Paid_Amount', 'paid_amount'], // case
    ['amount_paid', 'paid_amount'], // words swapped
    ['date_service', 'service_date'],
    ['id_member', 'member_id'],
    ['from_valid', 'valid_from'],
  ])('%s -> %s', (name, expected) => {
    expect(closest(name, columns)).toBe(expected);
  });

  it('words swapped beats a near spelling, and nothing far away is suggested', () => {
    expect(closest('to_valid', ['valid_to', 'valid_too'])).toBe('valid_to');
    expect(closest('amount', columns)).toBeUndefined();
    expect(closest('paid_amount_total', columns)).toBeUndefined();
  });
});
