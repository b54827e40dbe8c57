package dev.ledger.api.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ledger.core.shared.LedgerRejection;
import dev.ledger.core.shared.Rejection;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.SimpleCommandBus;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.axonframework.modelling.command.ConcurrencyException;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * Every way of sending a command through the measured gateway ends in one sample of {@code
 * ledger.commands} with the command's type, outcome and code, on a real Axon command bus.
 */
class MeasuredCommandGatewayTest {
  record Approve(String id) {}

  record Overdraw(String id) {}

  record Collide(String id) {}

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final MeasuredCommandGateway gateway;

  MeasuredCommandGatewayTest() {
    SimpleCommandBus bus = SimpleCommandBus.builder().build();
    bus.subscribe(Approve.class.getName(), command -> "approved");
    bus.subscribe(
        Overdraw.class.getName(),
        command -> {
          throw new LedgerRejection(Rejection.INSUFFICIENT_FUNDS, "no");
        });
    bus.subscribe(
        Collide.class.getName(),
        command -> {
          throw new ConcurrencyException("lost the race");
        });
    gateway =
        new MeasuredCommandGateway(
            DefaultCommandGateway.builder().commandBus(bus).build(), () -> meters);
  }

  private long count(String command, String outcome, String code) {
    Timer timer =
        meters
            .find("ledger.commands")
            .tags("command", command, "outcome", outcome, "code", code)
            .timer();
    return timer == null ? 0 : timer.count();
  }

  @Test
  void sendAndWaitCountsAcceptedRejectedAndFailedCommands() {
    assertThat((String) gateway.sendAndWait(new Approve("1"))).isEqualTo("approved");
    assertThatThrownBy(() -> gateway.sendAndWait(new Overdraw("1")))
        .isInstanceOf(LedgerRejection.class);
    assertThatThrownBy(() -> gateway.sendAndWait(new Collide("1"), 5, TimeUnit.SECONDS))
        .isInstanceOf(ConcurrencyException.class);

    assertThat(count("Approve", "accepted", "none")).isEqualTo(1);
    assertThat(count("Overdraw", "rejected", "insufficient_funds")).isEqualTo(1);
    assertThat(count("Collide", "failed", "contention")).isEqualTo(1);
  }

  @Test
  void asynchronousSendsAreCountedWhenTheyComplete() throws Exception {
    CompletableFuture<Object> future = gateway.send(new Overdraw("2"));
    assertThat(future).failsWithin(5, TimeUnit.SECONDS);
    CountDownLatch answered = new CountDownLatch(1);
    gateway.send(
        GenericCommandMessage.asCommandMessage(new Approve("2"))
            .andMetaData(Map.of("tenant", "acme", "keyId", "key_1", "requestId", "req-1")),
        (message, result) -> answered.countDown());
    assertThat(answered.await(5, TimeUnit.SECONDS)).isTrue();

    assertThat(count("Overdraw", "rejected", "insufficient_funds")).isEqualTo(1);
    assertThat(count("Approve", "accepted", "none")).isEqualTo(1);
    assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty(); // the command's context was not left
  }

  @Test
  void wrappedFailuresAreClassifiedByTheirCause() {
    assertThat(MeasuredCommandGateway.outcomeOf(null)).containsExactly("accepted", "none");
    assertThat(
            MeasuredCommandGateway.outcomeOf(
                new CommandExecutionException(
                    "wrapped", new LedgerRejection(Rejection.OUT_OF_STOCK, "none left"))))
        .containsExactly("rejected", "out_of_stock");
    assertThat(
            MeasuredCommandGateway.outcomeOf(
                new java.util.concurrent.CompletionException(new IllegalStateException("bug"))))
        .containsExactly("failed", "internal_error");
  }
}
