package dev.ledger.api.web;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/** Who is calling: the API key's tenant, id and scopes, and the request id. */
public record RequestContext(String tenant, String keyId, Set<Scope> scopes, String requestId) {
  static final String ATTRIBUTE = RequestContext.class.getName();

  /** The context of the request this thread is serving. */
  public static RequestContext current() {
    var attributes = (ServletRequestAttributes) RequestContextHolder.currentRequestAttributes();
    return of(attributes.getRequest());
  }

  public static RequestContext of(HttpServletRequest request) {
    RequestContext context = (RequestContext) request.getAttribute(ATTRIBUTE);
    if (context == null) {
      throw new IllegalStateException("no authenticated request");
    }
    return context;
  }
}
