package lakec.runtime.bitemporal;

/** What an event does to its key: a put (the default) or a delete ({@code "op": "delete"}). */
public enum Op {
  PUT,
  DELETE
}
