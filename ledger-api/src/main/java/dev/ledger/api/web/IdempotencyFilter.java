package dev.ledger.api.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * {@code Idempotency-Key} on every POST: the first response is stored with a hash of the method,
 * path and body; a repeat with the same key and request gets the stored status and body with {@code
 * Idempotent-Replayed: true}; another request under the same key is {@code 409
 * idempotency_key_conflict}; a repeat while the first still runs is {@code 409
 * request_in_progress}. A response with a 5xx status is not stored, so the client can retry.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 30)
public class IdempotencyFilter extends OncePerRequestFilter {
  public static final String HEADER = "Idempotency-Key";
  public static final String REPLAYED = "Idempotent-Replayed";
  private static final Pattern VALID_KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");

  private final IdempotencyStore store;

  public IdempotencyFilter(IdempotencyStore store) {
    this.store = store;
  }

  /** The request's key, if it carried one (validated). */
  public static String keyOf(HttpServletRequest request) {
    return request.getHeader(HEADER);
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !"POST".equals(request.getMethod())
        || !Paths.isApi(request)
        || Paths.isWebhook(request)
        || request.getHeader(HEADER) == null;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String key = request.getHeader(HEADER);
    if (!VALID_KEY.matcher(key).matches()) {
      Problems.write(
          response,
          request,
          ApiException.invalid(HEADER, "must be 1 to 255 visible ASCII characters"));
      return;
    }
    String tenant = RequestContext.of(request).tenant();
    String hash = hash(request);
    java.util.Optional<IdempotencyStore.Record> existing;
    try {
      existing = store.claim(tenant, key, hash);
    } catch (ApiException e) {
      Problems.write(response, request, e);
      return;
    }
    if (existing.isPresent()) {
      var record = existing.get();
      if (!record.requestHash().equals(hash)) {
        Problems.write(
            response,
            request,
            new ApiException(
                HttpStatus.CONFLICT,
                "idempotency_key_conflict",
                "this Idempotency-Key was used with another request"));
      } else if (!record.done()) {
        Problems.write(
            response,
            request,
            new ApiException(
                HttpStatus.CONFLICT,
                "request_in_progress",
                "a request with this Idempotency-Key is running"));
      } else {
        response.setStatus(record.status());
        response.setHeader(REPLAYED, "true");
        if (record.contentType() != null) {
          response.setContentType(record.contentType());
        }
        if (record.body() != null) {
          response.getOutputStream().write(record.body());
        }
      }
      return;
    }
    ContentCachingResponseWrapper wrapper = new ContentCachingResponseWrapper(response);
    boolean stored = false;
    try {
      chain.doFilter(request, wrapper);
      if (wrapper.getStatus() < 500) {
        store.complete(
            tenant,
            key,
            wrapper.getStatus(),
            wrapper.getContentType(),
            wrapper.getContentAsByteArray());
        stored = true;
      }
    } finally {
      if (!stored) {
        store.release(tenant, key);
      }
      wrapper.copyBodyToResponse();
    }
  }

  private static String hash(HttpServletRequest request) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(
          (request.getMethod() + " " + request.getRequestURI() + "\n")
              .getBytes(StandardCharsets.UTF_8));
      digest.update(BodyFilter.of(request));
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
