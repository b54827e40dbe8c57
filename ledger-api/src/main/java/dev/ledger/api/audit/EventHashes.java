package dev.ledger.api.audit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash chain of the event store, version 1, recomputed in Java: the same function the database
 * applies when an event is appended ({@code ledger_event_hash} in {@code
 * V5__event_hash_chain.sql}), written again here so that {@code GET /v1/audit/verify} checks the
 * database's work rather than trusting it. docs/audit.md states the encoding for auditors:
 *
 * <p>{@code hash = SHA-256(F("ledger-event-v1") F(previous_hash) F(global_index)
 * F(aggregate_identifier) F(sequence_number) F(type) F(event_identifier) F(payload_type)
 * F(payload_revision) F(time_stamp) F(meta_data) F(payload))}, where {@code F(x)} is the length of
 * {@code x} in bytes as a 4-byte big-endian integer followed by those bytes, and {@code F(NULL)} is
 * the 4 bytes {@code ff ff ff ff}; text is UTF-8 and numbers are their decimal digits.
 */
public final class EventHashes {
  /** The first field, naming the version of the encoding. */
  public static final String VERSION = "ledger-event-v1";

  private static final byte[] NULL_FIELD = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};

  private EventHashes() {}

  /** The hash the event should have, chained to {@code previousHash} (null for a first event). */
  public static byte[] hash(byte[] previousHash, StoredEvent event) {
    ByteArrayOutputStream message = new ByteArrayOutputStream(256 + length(event));
    field(message, text(VERSION));
    field(message, previousHash);
    field(message, text(Long.toString(event.position())));
    field(message, text(event.aggregateId()));
    field(message, text(Long.toString(event.sequence())));
    field(message, text(event.aggregateType()));
    field(message, text(event.eventId()));
    field(message, text(event.payloadType()));
    field(message, text(event.payloadRevision()));
    field(message, text(event.timestamp()));
    field(message, event.metaData());
    field(message, event.payload());
    return sha256(message.toByteArray());
  }

  /** Lower-case hex, or null. */
  public static String hex(byte[] bytes) {
    return bytes == null ? null : HexFormat.of().formatHex(bytes);
  }

  private static int length(StoredEvent event) {
    return (event.payload() == null ? 0 : event.payload().length)
        + (event.metaData() == null ? 0 : event.metaData().length);
  }

  private static byte[] text(String value) {
    return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
  }

  private static void field(ByteArrayOutputStream out, byte[] value) {
    if (value == null) {
      out.writeBytes(NULL_FIELD);
      return;
    }
    int length = value.length;
    out.write(length >>> 24);
    out.write(length >>> 16);
    out.write(length >>> 8);
    out.write(length);
    out.writeBytes(value);
  }

  private static byte[] sha256(byte[] message) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(message);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
