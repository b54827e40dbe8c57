package dev.ledger.api.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;
import dev.ledger.api.config.LedgerProperties;
import dev.ledger.api.web.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Stripe's webhooks. The signature is checked on the raw body with stripe-java, and the timestamp
 * must be within the tolerance on both sides (stripe-java checks only the past). A verified event
 * is stored in the inbox before the 200 goes out, so an acknowledged event is never lost; the
 * processing happens afterwards ({@link WebhookProcessor}). A bad, missing or stale signature is
 * {@code 400} and nothing is stored.
 */
@RestController
public class StripeWebhookController {
  private static final Logger log = LoggerFactory.getLogger(StripeWebhookController.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final WebhookInbox inbox;
  private final LedgerProperties.Stripe settings;
  private final Clock clock;

  public StripeWebhookController(WebhookInbox inbox, LedgerProperties properties, Clock clock) {
    this.inbox = inbox;
    this.settings = properties.stripe();
    this.clock = clock;
  }

  @PostMapping("/v1/webhooks/stripe")
  Map<String, Object> receive(HttpServletRequest request) throws IOException {
    if (settings.webhookSecret() == null) {
      throw new ApiException(
          HttpStatus.SERVICE_UNAVAILABLE,
          "unavailable",
          "webhooks are not configured: set LEDGER_STRIPE_WEBHOOK_SECRET");
    }
    byte[] raw = readBounded(request.getInputStream(), settings.webhookBodySizeMaxBytes());
    String payload = new String(raw, StandardCharsets.UTF_8);
    String signature = request.getHeader("Stripe-Signature");
    if (signature == null || signature.isBlank()) {
      throw new ApiException(
          HttpStatus.BAD_REQUEST, "signature_missing", "the Stripe-Signature header is required");
    }
    try {
      Webhook.Signature.verifyHeader(
          payload, signature, settings.webhookSecret(), settings.webhookToleranceSeconds());
    } catch (SignatureVerificationException e) {
      log.warn("refused a Stripe webhook: {}", e.getMessage());
      throw new ApiException(
          HttpStatus.BAD_REQUEST,
          "signature_invalid",
          "the Stripe-Signature does not verify: " + e.getMessage());
    }
    long timestamp = timestampOf(signature);
    if (timestamp > clock.instant().getEpochSecond() + settings.webhookToleranceSeconds()) {
      throw new ApiException(
          HttpStatus.BAD_REQUEST,
          "signature_invalid",
          "the Stripe-Signature timestamp is in the future");
    }
    JsonNode event;
    try {
      event = JSON.readTree(raw);
    } catch (IOException e) {
      throw new ApiException(
          HttpStatus.BAD_REQUEST, "malformed_event", "the signed body is not JSON");
    }
    String id = text(event, "id", 255);
    String type = text(event, "type", 255);
    JsonNode apiVersion = event.path("api_version");
    if (id == null
        || type == null
        || !"event".equals(event.path("object").asText())
        || !(apiVersion.isMissingNode()
            || apiVersion.isNull()
            || text(event, "api_version", 64) != null)) {
      throw new ApiException(
          HttpStatus.BAD_REQUEST, "malformed_event", "the signed body is not a Stripe event");
    }
    boolean stored =
        inbox.store(
            id,
            type,
            event.path("api_version").asText(null),
            event.path("livemode").asBoolean(false),
            raw);
    return Map.of("received", true, "duplicate", !stored);
  }

  /**
   * A string field of the event, 1 to {@code maxLength} characters (the width of its column), or
   * null: a number or an object is not coerced to text, so it cannot pass as an event id.
   */
  private static String text(JsonNode event, String field, int maxLength) {
    JsonNode node = event.path(field);
    if (!node.isTextual() || node.textValue().isEmpty() || node.textValue().length() > maxLength) {
      return null;
    }
    return node.textValue();
  }

  private static long timestampOf(String header) {
    for (String part : header.split(",")) {
      String[] pair = part.trim().split("=", 2);
      if (pair.length == 2 && pair[0].equals("t")) {
        try {
          return Long.parseLong(pair[1]);
        } catch (NumberFormatException e) {
          break;
        }
      }
    }
    return Long.MAX_VALUE; // verifyHeader has refused such a header already
  }

  private static byte[] readBounded(InputStream in, int maxBytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    int read;
    while ((read = in.read(buffer)) != -1) {
      out.write(buffer, 0, read);
      if (out.size() > maxBytes) {
        throw new ApiException(
            HttpStatus.CONTENT_TOO_LARGE,
            "payload_too_large",
            "webhook bodies are limited to " + maxBytes + " bytes");
      }
    }
    return out.toByteArray();
  }
}
