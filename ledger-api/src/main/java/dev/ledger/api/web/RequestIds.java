package dev.ledger.api.web;

import jakarta.servlet.http.HttpServletRequest;

/** Where the request id of the current request is kept. */
public final class RequestIds {
  public static final String HEADER = "X-Request-Id";
  static final String ATTRIBUTE = RequestIds.class.getName();

  private RequestIds() {}

  public static String of(HttpServletRequest request) {
    Object id = request.getAttribute(ATTRIBUTE);
    return id == null ? null : id.toString();
  }
}
