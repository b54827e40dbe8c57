package dev.ledger.api.web;

import dev.ledger.api.config.LedgerProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reads a request body once, within {@code ledger.http.body-size-max-bytes}, and keeps it so the
 * idempotency filter can hash it and the controller parse it. Bodies must be JSON: anything else is
 * {@code 415 unsupported_media_type}; too large is {@code 413 payload_too_large}. The Stripe
 * webhook reads its own raw body and is left alone.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
public class BodyFilter extends OncePerRequestFilter {
  static final String ATTRIBUTE = BodyFilter.class.getName();

  private final int maxBytes;

  public BodyFilter(LedgerProperties properties) {
    this.maxBytes = properties.http().bodySizeMaxBytes();
  }

  /** The body of a request that passed this filter (empty if it had none). */
  public static byte[] of(HttpServletRequest request) {
    Object body = request.getAttribute(ATTRIBUTE);
    return body == null ? new byte[0] : (byte[]) body;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String method = request.getMethod();
    return !(method.equals("POST") || method.equals("PUT") || method.equals("PATCH"))
        || !Paths.isApi(request)
        || Paths.isWebhook(request);
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long declared = request.getContentLengthLong();
    if (declared > maxBytes) {
      Problems.write(response, request, tooLarge());
      return;
    }
    byte[] body;
    try {
      body = readBounded(request.getInputStream());
    } catch (ApiException e) {
      Problems.write(response, request, e);
      return;
    }
    if (body.length > 0 && !isJson(request.getContentType())) {
      Problems.write(
          response,
          request,
          new ApiException(
              HttpStatus.UNSUPPORTED_MEDIA_TYPE,
              "unsupported_media_type",
              "request bodies must be application/json, not " + request.getContentType()));
      return;
    }
    request.setAttribute(ATTRIBUTE, body);
    chain.doFilter(new CachedBodyRequest(request, body), response);
  }

  private byte[] readBounded(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    int read;
    while ((read = in.read(buffer)) != -1) {
      out.write(buffer, 0, read);
      if (out.size() > maxBytes) {
        throw tooLarge();
      }
    }
    return out.toByteArray();
  }

  private ApiException tooLarge() {
    return new ApiException(
        HttpStatus.CONTENT_TOO_LARGE,
        "payload_too_large",
        "request bodies are limited to " + maxBytes + " bytes");
  }

  private static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    try {
      MediaType type = MediaType.parseMediaType(contentType);
      return type.isCompatibleWith(MediaType.APPLICATION_JSON)
          || ("application".equals(type.getType()) && type.getSubtype().endsWith("+json"));
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static final class CachedBodyRequest extends HttpServletRequestWrapper {
    private final byte[] body;

    CachedBodyRequest(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
      ByteArrayInputStream in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public int read() {
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
          return in.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new IllegalStateException("synchronous reads only");
        }
      };
    }

    @Override
    public int getContentLength() {
      return body.length;
    }

    @Override
    public long getContentLengthLong() {
      return body.length;
    }
  }
}
