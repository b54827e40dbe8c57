package dev.ledger.api.audit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ledger.api.config.AxonConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How an audit answer shows one event: the same object in {@code GET /v1/audit/events} and in each
 * line of the export. Besides the readable {@code payload} and {@code metadata}, {@code raw}
 * carries the stored bytes of both (Base64), which is what the hash covers: with it, an export can
 * be verified offline (docs/audit.md).
 */
public final class AuditEventViews {
  /** Metadata key under which events recorded before causation ids carried their root message. */
  static final String LEGACY_TRACE_ID = "traceId";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private AuditEventViews() {}

  public static Map<String, Object> view(StoredEvent event) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("position", event.position());
    view.put("aggregateType", event.aggregateType());
    view.put("aggregateId", event.aggregateId());
    view.put("sequence", event.sequence());
    view.put("type", event.type());
    view.put("payloadType", event.payloadType());
    view.put("payloadRevision", event.payloadRevision());
    view.put("eventId", event.eventId());
    view.put("timestamp", event.timestamp());
    view.put("payload", readable(event.payload()));
    view.put("metadata", metadata(event.metaData()));
    view.put("hash", EventHashes.hex(event.hash()));
    view.put("previousHash", EventHashes.hex(event.previousHash()));
    Map<String, Object> raw = new LinkedHashMap<>();
    raw.put("metaData", base64(event.metaData()));
    raw.put("payload", base64(event.payload()));
    view.put("raw", raw);
    return view;
  }

  /** One line of NDJSON: the view and a line feed. */
  public static byte[] line(StoredEvent event) {
    try {
      byte[] json = JSON.writeValueAsBytes(view(event));
      byte[] line = new byte[json.length + 1];
      System.arraycopy(json, 0, line, 0, json.length);
      line[json.length] = '\n';
      return line;
    } catch (IOException e) {
      throw new IllegalStateException("event " + event.position() + " cannot be written", e);
    }
  }

  /**
   * The metadata with its audit keys first ({@code tenant}, {@code keyId}, {@code requestId},
   * {@code correlationId}, {@code causationId}; null when absent), then any other key. Events
   * recorded before causation ids existed name the root message {@code traceId} and the causing
   * message {@code correlationId} (Axon's defaults); those are shown under today's names.
   */
  static Map<String, Object> metadata(byte[] stored) {
    Map<String, Object> raw = stored == null ? Map.of() : map(stored);
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("tenant", raw.get("tenant"));
    view.put("keyId", raw.get("keyId"));
    view.put("requestId", raw.get("requestId"));
    boolean legacy = !raw.containsKey(AxonConfig.CAUSATION_ID) && raw.containsKey(LEGACY_TRACE_ID);
    if (legacy) {
      view.put(AxonConfig.CORRELATION_ID, raw.get(LEGACY_TRACE_ID));
      view.put(AxonConfig.CAUSATION_ID, raw.get(AxonConfig.CORRELATION_ID));
    } else {
      view.put(AxonConfig.CORRELATION_ID, raw.get(AxonConfig.CORRELATION_ID));
      view.put(AxonConfig.CAUSATION_ID, raw.get(AxonConfig.CAUSATION_ID));
    }
    raw.forEach(
        (key, value) -> {
          if (!view.containsKey(key) && !(legacy && LEGACY_TRACE_ID.equals(key))) {
            view.put(key, value);
          }
        });
    return view;
  }

  /** The stored JSON as a value, or, should it not be JSON, its text. */
  private static Object readable(byte[] stored) {
    if (stored == null) {
      return null;
    }
    try {
      return JSON.readValue(stored, Object.class);
    } catch (IOException e) {
      return new String(stored, StandardCharsets.UTF_8);
    }
  }

  private static Map<String, Object> map(byte[] stored) {
    try {
      return JSON.readValue(stored, MAP);
    } catch (IOException e) {
      return Map.of();
    }
  }

  private static String base64(byte[] bytes) {
    return bytes == null ? null : Base64.getEncoder().encodeToString(bytes);
  }
}
