package dev.ledger.api.web;

import dev.ledger.core.payment.PaymentGatewayException;
import dev.ledger.core.shared.LedgerRejection;
import dev.ledger.core.shared.Rejection;
import jakarta.servlet.http.HttpServletRequest;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** Turns every failure into a problem document with a stable code. Never a 500 for bad input. */
@RestControllerAdvice
public class ErrorHandler {
  private static final Logger log = LoggerFactory.getLogger(ErrorHandler.class);

  @ExceptionHandler(ApiException.class)
  ResponseEntity<Object> api(ApiException e, HttpServletRequest request) {
    return Problems.entity(e, request);
  }

  @ExceptionHandler(LedgerRejection.class)
  ResponseEntity<Object> rejection(LedgerRejection e, HttpServletRequest request) {
    return Problems.entity(
        new ApiException(statusOf(e.rejection()), e.rejection().code(), e.getMessage()), request);
  }

  /** The HTTP status of each business rule. */
  public static HttpStatus statusOf(Rejection rejection) {
    return switch (rejection) {
      case AMOUNT_MUST_BE_POSITIVE,
          ACCOUNTS_MUST_DIFFER,
          ASSET_MISMATCH,
          AMOUNT_EXCEEDS_PENDING,
          PRICE_NOT_AVAILABLE ->
          HttpStatus.BAD_REQUEST;
      case ACCOUNT_NOT_FOUND,
          TRANSFER_NOT_FOUND,
          INVESTMENT_NOT_FOUND,
          PRODUCT_NOT_FOUND,
          ORDER_NOT_FOUND,
          ESCROW_NOT_FOUND,
          COIN_PURCHASE_NOT_FOUND ->
          HttpStatus.NOT_FOUND;
      case ACCOUNT_FROZEN,
          INSUFFICIENT_FUNDS,
          INVALID_STATE,
          ID_CONFLICT,
          BALANCE_OVERFLOW,
          OUT_OF_STOCK ->
          HttpStatus.CONFLICT;
    };
  }

  @ExceptionHandler({ConcurrencyException.class, AggregateStreamCreationException.class})
  ResponseEntity<Object> contention(Exception e, HttpServletRequest request) {
    log.warn("command gave up after its retries on a contended aggregate: {}", e.getMessage());
    return unavailable(
        "the accounts are under heavy contention; retry the same request", 1, request);
  }

  /** {@code 503 unavailable} with the seconds after which a retry makes sense. */
  private static ResponseEntity<Object> unavailable(
      String detail, int retryAfterSeconds, HttpServletRequest request) {
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .header("Retry-After", Integer.toString(retryAfterSeconds))
        .contentType(Problems.PROBLEM_JSON)
        .body(
            Problems.body(
                HttpStatus.SERVICE_UNAVAILABLE,
                "unavailable",
                detail,
                null,
                RequestIds.of(request)));
  }

  /** Stripe could not be asked, or refused: nothing was created on our side before the call. */
  @ExceptionHandler(PaymentGatewayException.class)
  ResponseEntity<Object> paymentProvider(PaymentGatewayException e, HttpServletRequest request) {
    if (e.kind() == PaymentGatewayException.Kind.UNAVAILABLE) {
      log.warn("payment provider unavailable: {}", e.getMessage());
      return unavailable(e.getMessage(), 5, request);
    }
    return Problems.entity(
        new ApiException(HttpStatus.BAD_GATEWAY, "payment_provider_rejected", e.getMessage()),
        request);
  }

  @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
  ResponseEntity<Object> mediaType(
      HttpMediaTypeNotSupportedException e, HttpServletRequest request) {
    return Problems.entity(
        new ApiException(
            HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "use application/json"),
        request);
  }

  @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
  ResponseEntity<Object> notAcceptable(
      HttpMediaTypeNotAcceptableException e, HttpServletRequest request) {
    return Problems.entity(
        new ApiException(
            HttpStatus.NOT_ACCEPTABLE, "not_acceptable", "this endpoint answers application/json"),
        request);
  }

  @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
  ResponseEntity<Object> method(
      HttpRequestMethodNotSupportedException e, HttpServletRequest request) {
    return Problems.entity(
        new ApiException(
            HttpStatus.METHOD_NOT_ALLOWED,
            "method_not_allowed",
            e.getMethod() + " is not allowed here"),
        request);
  }

  @ExceptionHandler({NoResourceFoundException.class, NoHandlerFoundException.class})
  ResponseEntity<Object> noRoute(Exception e, HttpServletRequest request) {
    return Problems.entity(
        ApiException.notFound("not_found", "no such endpoint: " + request.getRequestURI()),
        request);
  }

  @ExceptionHandler(MissingServletRequestParameterException.class)
  ResponseEntity<Object> missingParameter(
      MissingServletRequestParameterException e, HttpServletRequest request) {
    return Problems.entity(ApiException.invalid(e.getParameterName(), "is required"), request);
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ResponseEntity<Object> typeMismatch(
      MethodArgumentTypeMismatchException e, HttpServletRequest request) {
    return Problems.entity(ApiException.invalid(e.getName(), "has the wrong type"), request);
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<Object> unexpected(Exception e, HttpServletRequest request) {
    log.error("unexpected failure on {} {}", request.getMethod(), request.getRequestURI(), e);
    return Problems.entity(
        new ApiException(
            HttpStatus.INTERNAL_SERVER_ERROR, "internal_error", "an unexpected error occurred"),
        request);
  }
}
