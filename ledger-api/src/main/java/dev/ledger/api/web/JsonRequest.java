package dev.ledger.api.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ledger.api.web.ApiException.FieldProblem;
import dev.ledger.core.shared.AccountAddress;
import dev.ledger.core.shared.Limits;
import dev.ledger.core.shared.ResourceId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;

/**
 * Reads a JSON request body field by field and collects every problem, so the client learns all
 * that is wrong at once: {@code 400 validation_failed} with one entry per field. Numbers are taken
 * only as JSON integers that fit 64 bits: {@code 1.5}, {@code "100"} and {@code 1e3} are refused,
 * never rounded or coerced.
 */
public final class JsonRequest {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          // "{} x" is not a JSON object: without this, the object before the garbage is taken
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private final ObjectNode root;
  private final String prefix;
  private final List<FieldProblem> problems;

  private JsonRequest(ObjectNode root, String prefix, List<FieldProblem> problems) {
    this.root = root;
    this.prefix = prefix;
    this.problems = problems;
  }

  /** Parses a body that must be a JSON object; an empty body counts as {@code {}} if allowed. */
  public static JsonRequest parse(byte[] body, boolean emptyAllowed) {
    if (body.length == 0) {
      if (emptyAllowed) {
        return new JsonRequest(MAPPER.createObjectNode(), "", new ArrayList<>());
      }
      throw new ApiException(
          HttpStatus.BAD_REQUEST, "malformed_json", "a JSON object body is required");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new ApiException(
          HttpStatus.BAD_REQUEST,
          "malformed_json",
          "the body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ApiException(
          HttpStatus.BAD_REQUEST, "malformed_json", "the body could not be read");
    }
    if (node == null || !node.isObject()) {
      throw new ApiException(
          HttpStatus.BAD_REQUEST, "malformed_json", "the body must be a JSON object");
    }
    return new JsonRequest((ObjectNode) node, "", new ArrayList<>());
  }

  /** Reads one item of a batch on its own: its problems are its own. */
  public static JsonRequest of(ObjectNode node) {
    return new JsonRequest(node, "", new ArrayList<>());
  }

  /** A nested object, reporting problems under {@code field.} into the same list. */
  public JsonRequest nested(ObjectNode node, String field) {
    return new JsonRequest(node, path(field) + ".", problems);
  }

  public boolean has(String field) {
    return root.has(field) && !root.get(field).isNull();
  }

  public void problem(String field, String message) {
    problems.add(new FieldProblem(path(field), message));
  }

  public boolean hasProblems() {
    return !problems.isEmpty();
  }

  public List<FieldProblem> problems() {
    return List.copyOf(problems);
  }

  /** Throws {@code 400 validation_failed} if any field was wrong. */
  public void throwIfInvalid() {
    if (!problems.isEmpty()) {
      FieldProblem first = problems.get(0);
      throw new ApiException(
          HttpStatus.BAD_REQUEST,
          "validation_failed",
          first.field()
              + ": "
              + first.message()
              + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : ""),
          problems);
    }
  }

  /**
   * Refuses fields the endpoint does not know: a misspelt optional field must not pass silently.
   */
  public JsonRequest allowOnly(Set<String> fields) {
    Iterator<String> names = root.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!fields.contains(name)) {
        problem(name, "is not a known field");
      }
    }
    return this;
  }

  public String requiredString(String field, int maxLength) {
    String value = optionalString(field, maxLength);
    if (value == null && !has(field)) {
      problem(field, "is required");
    }
    return value;
  }

  public String optionalString(String field, int maxLength) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      problem(field, "must be a string");
      return null;
    }
    String value = node.textValue();
    if (value.isEmpty() || value.length() > maxLength) {
      problem(field, "must be 1 to " + maxLength + " characters");
      return null;
    }
    return value;
  }

  /** An account address: segments of [a-zA-Z0-9_-]{1,64} joined by ':', at most 256 characters. */
  public String requiredAddress(String field) {
    String value = requiredString(field, AccountAddress.MAX_LENGTH);
    if (value != null && !AccountAddress.isValid(value)) {
      problem(field, "must be an account address: segments of [a-zA-Z0-9_-]{1,64} joined by ':'");
      return null;
    }
    return value;
  }

  /** A user id as the engine's user accounts take it: 1–64 characters of [a-zA-Z0-9_-]. */
  public String requiredUserId(String field) {
    String value = requiredString(field, 64);
    if (value != null && !dev.ledger.core.points.Points.isValidUserId(value)) {
      problem(field, "must be 1 to 64 characters of [a-zA-Z0-9_-]");
      return null;
    }
    return value;
  }

  /** A client-chosen id: 1–128 characters of [A-Za-z0-9_:.-]. */
  public String optionalId(String field) {
    String value = optionalString(field, ResourceId.MAX_LENGTH);
    if (value != null && !ResourceId.isValid(value)) {
      problem(field, "must be 1 to 128 characters of [A-Za-z0-9_:.-]");
      return null;
    }
    if (value != null && !ResourceId.isClientChoosable(value)) {
      problem(
          field, "must not start with " + ResourceId.ENGINE_PREFIX + " (reserved for the engine)");
      return null;
    }
    return value;
  }

  /** A positive amount in minor units: a JSON integer from 1 to 2^63-1. */
  public Long requiredAmount(String field) {
    Long value = optionalAmount(field);
    if (value == null && !has(field)) {
      problem(field, "is required");
    }
    return value;
  }

  public Long optionalAmount(String field) {
    Long value = optionalLong(field);
    if (value != null && value <= 0) {
      problem(field, "must be positive");
      return null;
    }
    return value;
  }

  public Long optionalLong(String field) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isIntegralNumber()) {
      problem(
          field,
          node.isNumber()
              ? "must be an integer (minor units), not a fraction"
              : "must be an integer");
      return null;
    }
    if (!node.canConvertToLong()) {
      problem(field, "must fit in 64 bits");
      return null;
    }
    return node.longValue();
  }

  public Boolean optionalBoolean(String field) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isBoolean()) {
      problem(field, "must be true or false");
      return null;
    }
    return node.booleanValue();
  }

  public ObjectNode optionalObject(String field) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      problem(field, "must be an object");
      return null;
    }
    return (ObjectNode) node;
  }

  /** A JSON array of objects, with its length bounded. */
  public List<ObjectNode> requiredObjects(String field, int min, int max) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      problem(field, "is required");
      return List.of();
    }
    if (!node.isArray()) {
      problem(field, "must be an array");
      return List.of();
    }
    if (node.size() < min || node.size() > max) {
      problem(field, "must hold " + min + " to " + max + " items");
      return List.of();
    }
    List<ObjectNode> items = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      if (!node.get(i).isObject()) {
        problem(field + "[" + i + "]", "must be an object");
      } else {
        items.add((ObjectNode) node.get(i));
      }
    }
    return items;
  }

  /** A required JSON array of strings, its length bounded. */
  public List<String> stringArray(String field, int min, int max) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      problem(field, "is required");
      return List.of();
    }
    if (!node.isArray() || node.size() < min || node.size() > max) {
      problem(field, "must be an array of " + min + " to " + max + " strings");
      return List.of();
    }
    List<String> values = new ArrayList<>();
    for (JsonNode item : node) {
      if (!item.isTextual()) {
        problem(field, "must hold strings only");
        return List.of();
      }
      values.add(item.textValue());
    }
    return values;
  }

  /** Free-form metadata: a JSON object of string values, within the limits of {@link Limits}. */
  public Map<String, String> optionalMetadata(String field) {
    ObjectNode node = optionalObject(field);
    if (node == null) {
      return Map.of();
    }
    if (node.size() > Limits.METADATA_ENTRIES_MAX) {
      problem(field, "may hold at most " + Limits.METADATA_ENTRIES_MAX + " entries");
      return Map.of();
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    var fields = node.fields();
    while (fields.hasNext()) {
      var entry = fields.next();
      if (entry.getKey().isEmpty() || entry.getKey().length() > Limits.METADATA_KEY_LENGTH_MAX) {
        problem(field, "keys must be 1 to " + Limits.METADATA_KEY_LENGTH_MAX + " characters");
      } else if (!entry.getValue().isTextual()) {
        problem(field + "." + entry.getKey(), "must be a string");
      } else if (entry.getValue().textValue().length() > Limits.METADATA_VALUE_LENGTH_MAX) {
        problem(
            field + "." + entry.getKey(),
            "must be at most " + Limits.METADATA_VALUE_LENGTH_MAX + " characters");
      } else {
        metadata.put(entry.getKey(), entry.getValue().textValue());
      }
    }
    return metadata;
  }

  private String path(String field) {
    return prefix + field;
  }
}
