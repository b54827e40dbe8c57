package dev.ledger.api.audit;

/**
 * One row of {@code domain_event_entry} as stored, byte for byte: what an audit answer shows and
 * what the hash covers.
 *
 * @param position {@code global_index}
 * @param aggregateType {@code type}: {@code Account}, {@code Transfer}, ...
 * @param timestamp {@code time_stamp} as stored (ISO-8601 UTC)
 * @param metaData the metadata as stored (JSON written by Jackson)
 * @param payload the payload as stored (JSON written by Jackson)
 * @param hash SHA-256 of the event's canonical encoding (see {@link EventHashes})
 * @param previousHash the hash of the previous event of the aggregate, null for its first event
 * @param tenant the tenant of the metadata, as the database extracted it when the event was
 *     appended
 */
public record StoredEvent(
    long position,
    String aggregateType,
    String aggregateId,
    long sequence,
    String eventId,
    String payloadType,
    String payloadRevision,
    String timestamp,
    byte[] metaData,
    byte[] payload,
    byte[] hash,
    byte[] previousHash,
    String tenant) {

  /**
   * The event's type as people name it: the payload class's simple name ({@code AccountDebited}).
   */
  public String type() {
    return simpleName(payloadType);
  }

  static String simpleName(String payloadType) {
    if (payloadType == null) {
      return null;
    }
    int cut = Math.max(payloadType.lastIndexOf('$'), payloadType.lastIndexOf('.'));
    return payloadType.substring(cut + 1);
  }
}
