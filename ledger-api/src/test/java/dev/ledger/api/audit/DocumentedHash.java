package dev.ledger.api.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The hash of an exported event, computed the way docs/audit.md tells an auditor to, from the
 * fields of the export alone. Written apart from {@link EventHashes} on purpose: the tests check
 * the documentation, the database and the engine's verifier against each other.
 */
final class DocumentedHash {
  private DocumentedHash() {}

  static String of(JsonNode event) {
    try {
      ByteArrayOutputStream message = new ByteArrayOutputStream();
      field(message, utf8("ledger-event-v1"));
      field(message, hex(event.get("previousHash")));
      field(message, utf8(event.get("position").asText()));
      field(message, utf8(text(event.get("aggregateId"))));
      field(message, utf8(event.get("sequence").asText()));
      field(message, utf8(text(event.get("aggregateType"))));
      field(message, utf8(text(event.get("eventId"))));
      field(message, utf8(text(event.get("payloadType"))));
      field(message, utf8(text(event.get("payloadRevision"))));
      field(message, utf8(text(event.get("timestamp"))));
      field(message, base64(event.get("raw").get("metaData")));
      field(message, base64(event.get("raw").get("payload")));
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(message.toByteArray()));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void field(ByteArrayOutputStream out, byte[] value) {
    if (value == null) {
      out.writeBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
    } else {
      out.writeBytes(ByteBuffer.allocate(4).putInt(value.length).array());
      out.writeBytes(value);
    }
  }

  private static String text(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }

  private static byte[] utf8(String text) {
    return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] hex(JsonNode node) {
    return node == null || node.isNull() ? null : HexFormat.of().parseHex(node.asText());
  }

  private static byte[] base64(JsonNode node) {
    return node == null || node.isNull() ? null : Base64.getDecoder().decode(node.asText());
  }
}
