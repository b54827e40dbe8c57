package dev.ledger.api.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Refuses a request whose key lacks the endpoint's {@link RequiresScope}. Every {@code /v1} handler
 * must declare one: an endpoint without it is refused too, so a forgotten annotation fails closed.
 */
@Component
public class ScopeInterceptor implements HandlerInterceptor {
  @Override
  public boolean preHandle(
      HttpServletRequest request, HttpServletResponse response, Object handler) {
    if (!(handler instanceof HandlerMethod method) || !Paths.isApi(request)) {
      return true;
    }
    if (Paths.isWebhook(request)) {
      return true;
    }
    RequiresScope required = method.getMethodAnnotation(RequiresScope.class);
    RequestContext context = RequestContext.of(request);
    if (required == null || !context.scopes().contains(required.value())) {
      throw new ApiException(
          HttpStatus.FORBIDDEN,
          "forbidden",
          required == null
              ? "this endpoint is not open to API keys"
              : "this API key lacks the scope " + required.value().value());
    }
    return true;
  }
}
