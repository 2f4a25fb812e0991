package lakec.runtime.bitemporal;

/** Where a row lives in the table: with the key, {@code (validFrom, systemFrom)}. */
public record VersionId(long validFrom, long systemFrom) {}
