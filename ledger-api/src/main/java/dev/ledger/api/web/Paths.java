package dev.ledger.api.web;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The path a request is routed by, as the filters must see it to decide who may pass. The raw
 * request URI is not it: Spring MVC matches decoded segments, so {@code /%761/accounts} reaches the
 * handler of {@code /v1/accounts}, and a filter that looked at the raw URI would let it pass
 * unauthenticated. The servlet path is decoded and normalised by the container ({@code %76}, {@code
 * ..}, {@code ;params}), like the path the handler is found by.
 */
public final class Paths {
  private Paths() {}

  public static String of(HttpServletRequest request) {
    String path = request.getServletPath();
    String info = request.getPathInfo();
    return info == null ? path : path + info;
  }

  /** Under {@code /v1/}: the API, which needs a key (but see {@link #isWebhook}). */
  public static boolean isApi(HttpServletRequest request) {
    return of(request).startsWith("/v1/");
  }

  /** Stripe's webhook: signed, not authenticated by a key. */
  public static boolean isWebhook(HttpServletRequest request) {
    return of(request).startsWith("/v1/webhooks/");
  }

  /** The actuator: health for probes, metrics for operators. */
  public static boolean isActuator(HttpServletRequest request) {
    String path = of(request);
    return path.equals("/actuator") || path.startsWith("/actuator/");
  }

  /** The health endpoints, open to probes without a key. */
  public static boolean isHealth(HttpServletRequest request) {
    String path = of(request);
    return path.equals("/actuator/health") || path.startsWith("/actuator/health/");
  }
}
