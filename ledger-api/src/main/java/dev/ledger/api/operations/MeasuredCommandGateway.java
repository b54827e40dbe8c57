package dev.ledger.api.operations;

import dev.ledger.core.payment.PaymentGatewayException;
import dev.ledger.core.shared.LedgerRejection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.axonframework.commandhandling.CommandCallback;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.NoHandlerForCommandException;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.common.Registration;
import org.axonframework.messaging.HandlerExecutionException;
import org.axonframework.messaging.MessageDispatchInterceptor;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/**
 * The command gateway as the engine uses it, measured: every command, whether a request, a saga,
 * the webhook processor or the escrow sweep sent it, ends in one log line and one sample of the
 * timer {@code ledger.commands} tagged with its type, its outcome ({@code accepted}, {@code
 * rejected} by a business rule, or {@code failed}) and its code (the rejection's, as the HTTP
 * answer has it, {@code none} when accepted). The time and the outcome are those the sender sees,
 * after the gateway's own retries of a command that lost a race on the event store.
 */
public final class MeasuredCommandGateway implements CommandGateway {
  private static final Logger log = LoggerFactory.getLogger("dev.ledger.api.commands");

  /** The metadata of a command that also goes into its log line when the sender's log has none. */
  private static final String[] CONTEXT = {"tenant", "keyId", "requestId"};

  private final CommandGateway delegate;
  private final Supplier<MeterRegistry> meters;
  private final Map<Tags, Timer> timers = new ConcurrentHashMap<>();

  /**
   * @param delegate the gateway that sends the commands
   * @param meters where the timer lives; asked on first use, after the meter registry is ready
   */
  public MeasuredCommandGateway(CommandGateway delegate, Supplier<MeterRegistry> meters) {
    this.delegate = delegate;
    this.meters = meters;
  }

  /** The tags of one series of the timer. */
  private record Tags(String command, String outcome, String code) {}

  @Override
  public <C, R> void send(C command, CommandCallback<? super C, ? super R> callback) {
    Measurement measurement = new Measurement(command);
    try {
      delegate.send(
          command,
          (CommandCallback<C, R>)
              (message, result) -> {
                measurement.finish(result.isExceptional() ? result.exceptionResult() : null);
                callback.onResult(message, result);
              });
    } catch (RuntimeException | Error e) {
      measurement.finish(e); // refused before it was dispatched
      throw e;
    }
  }

  @Override
  public <R> R sendAndWait(Object command) {
    Measurement measurement = new Measurement(command);
    try {
      R result = delegate.sendAndWait(command);
      measurement.finish(null);
      return result;
    } catch (RuntimeException | Error e) {
      measurement.finish(e);
      throw e;
    }
  }

  @Override
  public <R> R sendAndWait(Object command, long timeout, TimeUnit unit) {
    Measurement measurement = new Measurement(command);
    try {
      R result = delegate.sendAndWait(command, timeout, unit);
      measurement.finish(null);
      return result;
    } catch (RuntimeException | Error e) {
      measurement.finish(e);
      throw e;
    }
  }

  @Override
  public <R> CompletableFuture<R> send(Object command) {
    Measurement measurement = new Measurement(command);
    CompletableFuture<R> future;
    try {
      future = delegate.send(command);
    } catch (RuntimeException | Error e) {
      measurement.finish(e);
      throw e;
    }
    future.whenComplete((result, failure) -> measurement.finish(failure));
    return future;
  }

  @Override
  public Registration registerDispatchInterceptor(
      MessageDispatchInterceptor<? super CommandMessage<?>> interceptor) {
    return delegate.registerDispatchInterceptor(interceptor);
  }

  /** The outcome and code of a command that ended with this failure (null: accepted). */
  static String[] outcomeOf(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof HandlerExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause == null) {
      return new String[] {"accepted", "none"};
    }
    if (cause instanceof LedgerRejection rejection) {
      return new String[] {"rejected", rejection.rejection().code()};
    }
    if (cause instanceof ConcurrencyException
        || cause instanceof AggregateStreamCreationException) {
      return new String[] {"failed", "contention"};
    }
    if (cause instanceof PaymentGatewayException payment) {
      return new String[] {
        "failed",
        payment.kind() == PaymentGatewayException.Kind.UNAVAILABLE
            ? "payment_provider_unavailable"
            : "payment_provider_rejected"
      };
    }
    if (cause instanceof NoHandlerForCommandException) {
      return new String[] {"failed", "no_handler"};
    }
    return new String[] {"failed", "internal_error"};
  }

  /** One command on its way: when it left, and the log context of whoever sent it. */
  private final class Measurement {
    private final String command;
    private final Map<String, String> context;
    private final long startedNanos = System.nanoTime();

    Measurement(Object command) {
      Object payload =
          command instanceof CommandMessage<?> message ? message.getPayload() : command;
      this.command = payload == null ? "null" : payload.getClass().getSimpleName();
      Map<String, String> sender = MDC.getCopyOfContextMap();
      this.context = sender == null ? new HashMap<>() : new HashMap<>(sender);
      if (command instanceof CommandMessage<?> message) {
        for (String key : CONTEXT) {
          Object value = message.getMetaData().get(key);
          if (value != null && !context.containsKey(key)) {
            context.put(key, value.toString());
          }
        }
      }
    }

    void finish(Throwable failure) {
      long nanos = System.nanoTime() - startedNanos;
      String[] outcome = outcomeOf(failure);
      timer(new Tags(command, outcome[0], outcome[1])).record(nanos, TimeUnit.NANOSECONDS);
      long millis = TimeUnit.NANOSECONDS.toMillis(nanos);
      // the line goes out with the sender's context, also when the answer arrives on another thread
      Map<String, String> previous = MDC.getCopyOfContextMap();
      MDC.setContextMap(context);
      try {
        log.atLevel(outcome[0].equals("failed") ? Level.WARN : Level.INFO)
            .addKeyValue("command", command)
            .addKeyValue("outcome", outcome[0])
            .addKeyValue("code", outcome[1])
            .addKeyValue("durationMs", millis)
            .log(
                outcome[0].equals("accepted")
                    ? "command {} {} in {} ms"
                    : "command {} {} ({}) in {} ms",
                outcome[0].equals("accepted")
                    ? new Object[] {command, outcome[0], millis}
                    : new Object[] {command, outcome[0], outcome[1], millis});
      } finally {
        if (previous == null) {
          MDC.clear();
        } else {
          MDC.setContextMap(previous);
        }
      }
    }
  }

  private Timer timer(Tags tags) {
    return timers.computeIfAbsent(
        tags,
        t ->
            Timer.builder("ledger.commands")
                .description("commands by type, outcome and code, with their latency")
                .tag("command", t.command())
                .tag("outcome", t.outcome())
                .tag("code", t.code())
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(meters.get()));
  }
}
