package dev.ledger.api.web;

import dev.ledger.api.web.ApiException.FieldProblem;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** RFC 9457 problem documents, the one error shape of the API. */
public final class Problems {
  public static final MediaType PROBLEM_JSON = MediaType.APPLICATION_PROBLEM_JSON;

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private Problems() {}

  public static Map<String, Object> body(
      HttpStatus status, String code, String detail, List<FieldProblem> errors, String requestId) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "urn:ledger:problem:" + code);
    body.put("title", status.getReasonPhrase());
    body.put("status", status.value());
    body.put("detail", detail);
    body.put("code", code);
    body.put("requestId", requestId);
    if (errors != null && !errors.isEmpty()) {
      body.put(
          "errors",
          errors.stream().map(e -> Map.of("field", e.field(), "message", e.message())).toList());
    }
    return body;
  }

  public static ResponseEntity<Object> entity(ApiException e, HttpServletRequest request) {
    return ResponseEntity.status(e.status())
        .contentType(PROBLEM_JSON)
        .body(body(e.status(), e.code(), e.getMessage(), e.errors(), RequestIds.of(request)));
  }

  /** Writes a problem straight to the response, for filters that run before Spring MVC. */
  public static void write(HttpServletResponse response, HttpServletRequest request, ApiException e)
      throws IOException {
    response.resetBuffer();
    response.setStatus(e.status().value());
    response.setContentType(PROBLEM_JSON.toString());
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    byte[] problem =
        JSON.writeValueAsBytes(
            body(e.status(), e.code(), e.getMessage(), e.errors(), RequestIds.of(request)));
    // a known length, not chunks: a client still sending a refused body gets the whole answer
    response.setContentLength(problem.length);
    response.getOutputStream().write(problem);
    response.flushBuffer();
  }
}
