package dev.ledger.api.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Errors raised outside Spring MVC (by the servlet container) answer as problems too. */
@RestController
public class ProblemErrorController implements ErrorController {
  @RequestMapping("/error")
  ResponseEntity<Object> error(HttpServletRequest request) {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    HttpStatus status = code instanceof Integer c ? HttpStatus.resolve(c) : null;
    if (status == null) {
      status = HttpStatus.INTERNAL_SERVER_ERROR;
    }
    String problem =
        switch (status) {
          case NOT_FOUND -> "not_found";
          case BAD_REQUEST -> "bad_request";
          case CONTENT_TOO_LARGE -> "payload_too_large";
          case METHOD_NOT_ALLOWED -> "method_not_allowed";
          case UNSUPPORTED_MEDIA_TYPE -> "unsupported_media_type";
          default -> status.is4xxClientError() ? "bad_request" : "internal_error";
        };
    return Problems.entity(new ApiException(status, problem, status.getReasonPhrase()), request);
  }
}
