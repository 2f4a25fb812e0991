package lakec.runtime.mapping;

/** Why an event was rejected: the dead letter's reason, and the column when one is to blame. */
public record Rejection(String reason, String column) {}
