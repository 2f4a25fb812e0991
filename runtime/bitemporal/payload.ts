/**
 * Canonical payload keys: rule 1 and 2 compare payloads by value, and the core does that with
 * one string comparison. The row mapper already holds the payload columns in the dataset's
 * declared order, so encoding that array once per event is enough; no key sorting is needed.
 * Two payloads are equal exactly when their column values are equal as JSON values (so the
 * mapper must normalize what JSON would tell apart but the column type would not, such as a
 * decimal's trailing zeros); a missing optional column and null are the same.
 */
export function payloadKeyOf(values: readonly unknown[]): string {
  return JSON.stringify(values);
}

/** `payloadKeyOf` for a payload held as a record, with the dataset's payload column order. */
export function payloadKeyOfRecord(payload: Readonly<Record<string, unknown>>, columns: readonly string[]): string {
  const values = new Array<unknown>(columns.length);
  for (let i = 0; i < columns.length; i++) values[i] = payload[columns[i]!] ?? null;
  return JSON.stringify(values);
}
