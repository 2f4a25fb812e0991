package lakec.runtime.mapping;

import lakec.runtime.bitemporal.Op;

/**
 * One mapped event: every column's value in declared order (the row's payload, in the TypeScript
 * runtime's representation, see {@link Coercion}), the canonical key, and for a bi-temporal dataset
 * the valid interval ({@code validTo} {@link lakec.runtime.bitemporal.Times#OPEN} when open) and
 * the system time as stated (or the arrival time with {@code system = ingestion}).
 */
public record MappedEvent(
    Op op, String key, Object[] values, long validFrom, long validTo, long systemTime) {}
