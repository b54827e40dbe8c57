package dev.ledger.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ledger.api.ledger.Positions;
import dev.ledger.api.support.ApiTest;
import dev.ledger.api.support.Http;
import dev.ledger.core.transfer.PendingTransferExpirySaga;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.awaitility.Awaitility;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.dbscheduler.DbSchedulerDeadlineManager;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.pooled.PooledStreamingEventProcessor;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.axonframework.modelling.saga.AssociationValue;
import org.axonframework.modelling.saga.repository.SagaStore;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Each trap DESIGN.md records for Axon 4 on Boot 4 with JDBC, checked by its behaviour so that its
 * return fails a test: units of work in real transactions, PostgreSQL duplicate keys seen as
 * concurrency conflicts, sagas stored in bytea, Jackson 2 serializers, pooled processors (whose
 * streams know their processor and still reach the head when they skip what it does not handle),
 * persisted deadlines, and no update checker.
 */
class AxonWiringTest extends ApiTest {
  @Autowired TransactionManager axonTransactionManager;
  @Autowired EventStorageEngine storageEngine;
  @Autowired SagaStore<Object> sagaStore;
  @Autowired DeadlineManager deadlineManager;
  @Autowired EventProcessingConfiguration processing;
  @Autowired org.springframework.jdbc.core.JdbcTemplate jdbc;
  @Autowired ProcessorEventStore eventStore;
  @Autowired Positions positions;

  @Autowired
  @Qualifier("eventSerializer")
  Serializer eventSerializer;

  @Autowired
  @Qualifier("serializer")
  Serializer generalSerializer;

  @Test
  void unitsOfWorkRunInADatabaseTransaction() {
    boolean[] active = new boolean[1];
    axonTransactionManager.executeInTransaction(
        () -> active[0] = TransactionSynchronizationManager.isActualTransactionActive());
    assertThat(active[0])
        .as("Axon without a Spring transaction manager runs without transactions")
        .isTrue();
  }

  @Test
  void aConcurrentAppendIsAConcurrencyConflictThatCanBeRetried() {
    String aggregate = tenant + "/test/dup";
    storageEngine.appendEvents(
        List.of(new GenericDomainEventMessage<>("Test", aggregate, 0, "first")));
    storageEngine.appendEvents(
        List.of(new GenericDomainEventMessage<>("Test", aggregate, 1, "second")));
    // without a resolver that knows 23505 both would be a generic, fatal EventStoreException
    assertThatThrownBy(
            () ->
                storageEngine.appendEvents(
                    List.of(new GenericDomainEventMessage<>("Test", aggregate, 1, "again"))))
        .as("PostgreSQL's 23505 must be recognised as a duplicate key")
        .isInstanceOf(ConcurrencyException.class);
    assertThatThrownBy(
            () ->
                storageEngine.appendEvents(
                    List.of(new GenericDomainEventMessage<>("Test", aggregate, 0, "again"))))
        .isInstanceOf(AggregateStreamCreationException.class);
    assertThat(ConflictRetryScheduler.isConflict(new AggregateStreamCreationException("race")))
        .isTrue();
    assertThat(ConflictRetryScheduler.isConflict(new ConcurrencyException("race"))).isTrue();
    assertThat(ConflictRetryScheduler.isConflict(new IllegalStateException("bug"))).isFalse();
  }

  @Test
  void sagasRoundTripThroughThePostgresSagaSchema() {
    String sagaId = "saga-" + tenant;
    var saga = new PendingTransferExpirySaga();
    axonTransactionManager.executeInTransaction(
        () ->
            sagaStore.insertSaga(
                PendingTransferExpirySaga.class,
                sagaId,
                saga,
                Set.of(new AssociationValue("transferId", tenant + "/transfer/x"))));
    var loaded =
        axonTransactionManager.fetchInTransaction(
            () -> sagaStore.loadSaga(PendingTransferExpirySaga.class, sagaId));
    assertThat(loaded).isNotNull();
    assertThat(loaded.saga()).isInstanceOf(PendingTransferExpirySaga.class);
    assertThat(
            axonTransactionManager.fetchInTransaction(
                () ->
                    sagaStore.findSagas(
                        PendingTransferExpirySaga.class,
                        new AssociationValue("transferId", tenant + "/transfer/x"))))
        .containsExactly(sagaId);
  }

  @Test
  void serializesWithJackson2AndPersistsDeadlinesWithDbScheduler() {
    assertThat(eventSerializer).isInstanceOf(JacksonSerializer.class);
    assertThat(generalSerializer).isInstanceOf(JacksonSerializer.class);
    assertThat(deadlineManager).isInstanceOf(DbSchedulerDeadlineManager.class);
  }

  @Test
  void projectionsRunInPooledStreamingProcessorsWithDeadLetterQueues() {
    for (String name :
        List.of(
            "balances",
            "transfers",
            "coins",
            "PendingTransferExpirySagaProcessor",
            "CoinPurchaseSagaProcessor")) {
      assertThat(processing.eventProcessor(name, PooledStreamingEventProcessor.class))
          .as(name)
          .isPresent();
    }
    assertThat(processing.deadLetterQueue("balances")).isPresent();
    assertThat(processing.deadLetterQueue("transfers")).isPresent();
    assertThat(processing.deadLetterQueue("coins")).isPresent();
  }

  @Test
  void accountsAreSnapshottedSoLoadingThemStaysCheap() {
    funded("platform:points:issuance", "user:snap:points", 1_000, "POINTS");
    for (int i = 0; i < 110; i++) {
      assertThat(
              transfer("snap-" + i, "user:snap:points", "platform:points:issuance", 1, "POINTS")
                  .status())
          .isEqualTo(201);
    }
    String aggregate = tenant + "/account/user:snap:points";
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        jdbc.queryForObject(
                            "SELECT count(*) FROM snapshot_event_entry WHERE aggregate_identifier = ?",
                            Integer.class,
                            aggregate))
                    .as("a snapshot after every %d events", 100)
                    .isPositive());
  }

  @Test
  void everyProcessorReadsAStreamThatKnowsWhoseItIs() {
    Set<String> pooled = new TreeSet<>();
    processing
        .eventProcessors()
        .forEach(
            (name, processor) -> {
              if (processor instanceof PooledStreamingEventProcessor) {
                pooled.add(name);
              }
            });
    assertThat(pooled).contains("balances", "transfers", "leaderboards");

    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(eventStore.processorsReading()).containsAll(pooled));
  }

  @Test
  void processorsThatSkipEveryNewEventStillStoreTokensAtTheHead() {
    // neither projection handles an account event: once their streams have seen one, they leave
    // the others out, but hand out the last one available, so every segment still passes it
    List<String> skipping = List.of("escrows", "investments");
    long first = openAccount("user:skip-1:points");
    awaitReached(skipping, first);

    long last = openAccount("user:skip-2:points");

    awaitReached(skipping, last);
    Http.Response read = api.get("/v1/accounts/user:skip-2:points?minPosition=" + last);
    assertThat(read.status()).as(read.toString()).isEqualTo(200);
  }

  private long openAccount(String id) {
    Http.Response opened = api.post("/v1/accounts", Map.of("id", id, "asset", "POINTS"));
    assertThat(opened.status()).as(opened.toString()).isEqualTo(201);
    return opened.body().get("position").asLong();
  }

  private void awaitReached(List<String> processors, long position) {
    for (String processor : processors) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> assertThat(positions.reached(processor)).isGreaterThanOrEqualTo(position));
    }
  }

  @Test
  void theUpdateCheckerIsOff() {
    assertThat(System.getProperty("axoniq.update-checker.disabled")).isEqualTo("true");
  }
}
