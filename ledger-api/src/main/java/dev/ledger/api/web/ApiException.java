package dev.ledger.api.web;

import java.util.List;
import org.springframework.http.HttpStatus;

/**
 * A request failed in a way the client can act on. It becomes an {@code application/problem+json}
 * answer with the stable {@code code}.
 */
public class ApiException extends RuntimeException {
  private final HttpStatus status;
  private final String code;
  private final List<FieldProblem> errors;

  public ApiException(HttpStatus status, String code, String detail) {
    this(status, code, detail, List.of());
  }

  public ApiException(HttpStatus status, String code, String detail, List<FieldProblem> errors) {
    super(detail, null, false, false);
    this.status = status;
    this.code = code;
    this.errors = List.copyOf(errors);
  }

  public HttpStatus status() {
    return status;
  }

  public String code() {
    return code;
  }

  public List<FieldProblem> errors() {
    return errors;
  }

  public static ApiException notFound(String code, String detail) {
    return new ApiException(HttpStatus.NOT_FOUND, code, detail);
  }

  public static ApiException invalid(String field, String message) {
    return new ApiException(
        HttpStatus.BAD_REQUEST,
        "validation_failed",
        field + ": " + message,
        List.of(new FieldProblem(field, message)));
  }

  /** One invalid field of a request. */
  public record FieldProblem(String field, String message) {}
}
