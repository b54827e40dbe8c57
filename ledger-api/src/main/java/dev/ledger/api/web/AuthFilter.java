package dev.ledger.api.web;

import dev.ledger.api.admin.ApiKeys;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code Authorization: Bearer <api key>} on everything under {@code /v1} but the Stripe webhook,
 * and on the actuator (metrics) but its health endpoints, which probes reach without a key. The
 * actuator answers keys with the {@code admin} scope only. The key is looked up by the hash of its
 * secret on every request, so a revoked key stops working at once, on every node.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class AuthFilter extends OncePerRequestFilter {
  private final ApiKeys apiKeys;

  public AuthFilter(ApiKeys apiKeys) {
    this.apiKeys = apiKeys;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    if (Paths.isActuator(request)) {
      return Paths.isHealth(request);
    }
    return !Paths.isApi(request) || Paths.isWebhook(request);
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String header = request.getHeader("Authorization");
    String secret =
        header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
            ? header.substring(7).trim()
            : null;
    var key =
        secret == null || secret.isEmpty() || secret.length() > 512
            ? null
            : apiKeys.authenticate(secret).orElse(null);
    if (key == null) {
      response.setHeader("WWW-Authenticate", "Bearer");
      Problems.write(
          response,
          request,
          new ApiException(
              HttpStatus.UNAUTHORIZED,
              "unauthenticated",
              "a valid API key is required (Authorization: Bearer <key>)"));
      return;
    }
    if (Paths.isActuator(request) && !key.scopes().contains(Scope.ADMIN)) {
      Problems.write(
          response,
          request,
          new ApiException(
              HttpStatus.FORBIDDEN, "forbidden", "this API key lacks the scope admin"));
      return;
    }
    request.setAttribute(
        RequestContext.ATTRIBUTE,
        new RequestContext(key.tenant(), key.id(), key.scopes(), RequestIds.of(request)));
    MDC.put("tenant", key.tenant());
    MDC.put("keyId", key.id());
    chain.doFilter(request, response);
  }
}
