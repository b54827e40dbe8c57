package dev.ledger.api.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ledger.core.account.Account;
import dev.ledger.core.account.AccountCommandHandler;
import dev.ledger.core.checkout.CardCheckoutSaga;
import dev.ledger.core.checkout.CheckoutCommandHandler;
import dev.ledger.core.checkout.Order;
import dev.ledger.core.checkout.Product;
import dev.ledger.core.coins.CoinPurchase;
import dev.ledger.core.coins.CoinPurchaseCommandHandler;
import dev.ledger.core.coins.CoinPurchaseSaga;
import dev.ledger.core.coins.Gift;
import dev.ledger.core.coins.GiftCommandHandler;
import dev.ledger.core.escrow.Escrow;
import dev.ledger.core.escrow.EscrowCommandHandler;
import dev.ledger.core.escrow.EscrowPolicy;
import dev.ledger.core.escrow.EscrowSaga;
import dev.ledger.core.escrow.PayoutFailures;
import dev.ledger.core.investment.Investment;
import dev.ledger.core.investment.InvestmentCommandHandler;
import dev.ledger.core.investment.InvestmentPaymentSaga;
import dev.ledger.core.payment.PaymentCommandHandler;
import dev.ledger.core.payment.StripePayment;
import dev.ledger.core.points.PointsCommandHandler;
import dev.ledger.core.transfer.JournalEntry;
import dev.ledger.core.transfer.PendingTransferExpirySaga;
import dev.ledger.core.transfer.Postings;
import dev.ledger.core.transfer.Transfer;
import dev.ledger.core.transfer.TransferCommandHandler;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.axonframework.common.caching.NoCache;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.AggregateConfigurer;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.EventBusSpanFactory;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.deadletter.jdbc.DeadLetterSchema;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.TokenSchema;
import org.axonframework.eventsourcing.AggregateSnapshotter;
import org.axonframework.eventsourcing.EventCountSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.GenericAggregateFactory;
import org.axonframework.eventsourcing.NoSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.Snapshotter;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.messaging.annotation.HandlerDefinition;
import org.axonframework.messaging.annotation.ParameterResolverFactory;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.messaging.correlation.MessageOriginProvider;
import org.axonframework.messaging.correlation.SimpleCorrelationDataProvider;
import org.axonframework.modelling.saga.repository.jdbc.PostgresSagaSqlSchema;
import org.axonframework.modelling.saga.repository.jdbc.SagaSchema;
import org.axonframework.modelling.saga.repository.jdbc.SagaSqlSchema;
import org.axonframework.serialization.Serializer;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Axon on PostgreSQL through JDBC. Each bean here answers one of the traps recorded in DESIGN.md;
 * {@code AxonWiringTest} checks that none of them comes back.
 */
@Configuration(proxyBeanMethods = false)
public class AxonConfig {
  /** The metadata every command carries into the events it causes (besides correlation ids). */
  public static final String[] REQUEST_METADATA = {"tenant", "keyId", "requestId"};

  /**
   * Without this bean, Axon on Boot 4 with JDBC only runs every unit of work without a transaction:
   * a command's events would not commit together.
   */
  @Bean
  TransactionManager axonTransactionManager(PlatformTransactionManager transactionManager) {
    return new SpringTransactionManager(transactionManager);
  }

  /** Events per query when a processor reads the history. */
  static final int READ_BATCH = 250;

  /** Maps PostgreSQL's 23505 to a duplicate key, so concurrent appends become retryable. */
  @Bean
  PersistenceExceptionResolver persistenceExceptionResolver() {
    return new PostgresDuplicateKeyResolver();
  }

  /**
   * Axon's JDBC storage engine, exactly as its auto-configuration builds it; declared here because
   * that one steps back when an event store bean exists (see {@link #eventStore}), but reading the
   * history {@value #READ_BATCH} events per query instead of Axon's 100: every processor reads
   * every event through a stream of its own, one query per batch. Measured with ledger-bench
   * (replay of about 200,000 events, docs/performance.md): 100 → 250 took the replay from 3,814 to
   * 6,400 events/s with the heap's peak unchanged (409 MiB); 1,000 gave 5,946 events/s and a live
   * heap of 493 MiB of 512 while the projections lagged (thirteen streams each holding a batch).
   */
  @Bean
  @org.springframework.boot.autoconfigure.condition.ConditionalOnProperty(
      prefix = "axon.axonserver",
      name = "enabled",
      havingValue = "false")
  EventStorageEngine eventStorageEngine(
      Serializer defaultSerializer,
      PersistenceExceptionResolver persistenceExceptionResolver,
      @Qualifier("eventSerializer") Serializer eventSerializer,
      org.axonframework.config.Configuration configuration,
      ConnectionProvider connectionProvider,
      TransactionManager transactionManager,
      EventSchema eventSchema) {
    return JdbcEventStorageEngine.builder()
        .snapshotSerializer(defaultSerializer)
        .upcasterChain(configuration.upcasterChain())
        .persistenceExceptionResolver(persistenceExceptionResolver)
        .eventSerializer(eventSerializer)
        .snapshotFilter(configuration.snapshotFilter())
        .connectionProvider(connectionProvider)
        .transactionManager(transactionManager)
        .schema(eventSchema)
        .batchSize(READ_BATCH)
        .build();
  }

  /**
   * The event store over the JDBC storage engine, as Axon's auto-configuration builds it, but
   * without its shared in-memory stream of new events ("optimized event consumption"): every
   * processor that tails that stream keeps every event after its own position reachable, so a
   * processor that falls behind (a slow projection, a replay, a burst of batches) holds an
   * unbounded part of the history in the heap. Measured with ledger-bench: 253,000 events, about
   * 400 MB of a 512 MB heap, while projections caught up after a fill of the store, and requests
   * stalled on garbage collection. Each processor now reads through its own stream from the
   * database, in batches, leaves out the events of the types it has no handler for, and is woken
   * when a read waits for it ({@link ProcessorEventStore}).
   */
  // shutDown is also Axon's lifecycle handler; as the destroy method it stops the wake-ups of a
  // context that failed before Axon started
  @Bean(name = "eventBus", destroyMethod = "shutDown")
  @Qualifier("eventStore")
  @org.springframework.boot.autoconfigure.condition.ConditionalOnProperty(
      prefix = "axon.axonserver",
      name = "enabled",
      havingValue = "false")
  ProcessorEventStore eventStore(
      EventStorageEngine storageEngine, org.axonframework.config.Configuration configuration) {
    return new ProcessorEventStore(
        EmbeddedEventStore.builder()
            .storageEngine(storageEngine)
            .messageMonitor(configuration.messageMonitor(EventStore.class, "eventStore"))
            .spanFactory(configuration.getComponent(EventBusSpanFactory.class))
            .optimizeEventConsumption(false));
  }

  @Bean
  EventSchema eventSchema() {
    return EventSchema.builder()
        .eventTable("domain_event_entry")
        .snapshotTable("snapshot_event_entry")
        .globalIndexColumn("global_index")
        .timestampColumn("time_stamp")
        .eventIdentifierColumn("event_identifier")
        .aggregateIdentifierColumn("aggregate_identifier")
        .sequenceNumberColumn("sequence_number")
        .typeColumn("type")
        .payloadTypeColumn("payload_type")
        .payloadRevisionColumn("payload_revision")
        .payloadColumn("payload")
        .metaDataColumn("meta_data")
        .build();
  }

  @Bean
  TokenSchema tokenSchema() {
    return TokenSchema.builder()
        .setTokenTable("token_entry")
        .setProcessorNameColumn("processor_name")
        .setSegmentColumn("segment")
        .setTokenColumn("token")
        .setTokenTypeColumn("token_type")
        .setTimestampColumn("timestamp")
        .setOwnerColumn("owner")
        .build();
  }

  /**
   * The token store, with an owner name of this engine instance alone. Axon's default owner is the
   * JVM's name (pid@host): two engines in one JVM, or two containers that share a host name and a
   * pid, would each take the other's claims for their own and handle the same events twice.
   */
  @Bean
  TokenStore tokenStore(
      ConnectionProvider connectionProvider,
      @Qualifier("serializer") Serializer serializer,
      TokenSchema tokenSchema,
      LedgerProperties properties) {
    return JdbcTokenStore.builder()
        .connectionProvider(connectionProvider)
        .schema(tokenSchema)
        .serializer(serializer)
        .claimTimeout(properties.processors().claimTimeout())
        .nodeId(properties.nodeId())
        .build();
  }

  /** PostgreSQL's saga schema: the generic one reads the serialized saga as a BLOB. */
  @Bean
  SagaSqlSchema sagaSqlSchema() {
    return new PostgresSagaSqlSchema(
        SagaSchema.builder()
            .sagaEntryTable("saga_entry")
            .revisionColumn("revision")
            .serializedSagaColumn("serialized_saga")
            .associationValueEntryTable("association_value_entry")
            .associationKeyColumn("association_key")
            .associationValueColumn("association_value")
            .sagaIdColumn("saga_id")
            .sagaTypeColumn("saga_type")
            .build());
  }

  @Bean
  DeadLetterSchema deadLetterSchema() {
    return DeadLetterSchema.builder()
        .deadLetterTable("dead_letter_entry")
        .deadLetterIdentifierColumn("dead_letter_id")
        .processingGroupColumn("processing_group")
        .sequenceIdentifierColumn("sequence_identifier")
        .sequenceIndexColumn("sequence_index")
        .messageTypeColumn("message_type")
        .eventIdentifierColumn("event_identifier")
        .timestampColumn("time_stamp")
        .payloadTypeColumn("payload_type")
        .payloadRevisionColumn("payload_revision")
        .payloadColumn("payload")
        .metaDataColumn("meta_data")
        .aggregateTypeColumn("type")
        .aggregateIdentifierColumn("aggregate_identifier")
        .sequenceNumberColumn("sequence_number")
        .tokenTypeColumn("token_type")
        .tokenColumn("token")
        .enqueuedAtColumn("enqueued_at")
        .lastTouchedColumn("last_touched")
        .processingStartedColumn("processing_started")
        .causeTypeColumn("cause_type")
        .causeMessageColumn("cause_message")
        .diagnosticsColumn("diagnostics")
        .build();
  }

  /**
   * Jackson 2 for every Axon serializer (Axon 4.13's Jackson 3 serializer cannot read replay
   * tokens).
   */
  @Bean
  ObjectMapper axonObjectMapper() {
    return new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  /**
   * Every Axon serializer (general, messages, events): Axon's Jackson serializer over {@link
   * #axonObjectMapper}, keeping what it would look up again for every message (see {@link
   * CachingJacksonSerializer}). Axon's auto-configuration steps back for it, and answers it as the
   * message and event serializer too (all three are {@code jackson} in application.properties).
   */
  @Bean
  @org.springframework.context.annotation.Primary
  Serializer serializer(
      ObjectMapper axonObjectMapper,
      org.axonframework.serialization.RevisionResolver revisionResolver) {
    return CachingJacksonSerializer.create(
        axonObjectMapper, revisionResolver, AxonConfig.class.getClassLoader());
  }

  /**
   * Microsecond ticks: what PostgreSQL's timestamps hold, so times read back exactly as written.
   */
  @Bean
  Clock clock() {
    return Clock.tick(Clock.systemUTC(), java.time.Duration.ofNanos(1000));
  }

  /**
   * Correlation and causation on every message: {@code causationId} is the identifier of the
   * message whose handling caused this one (a command for its events, an event for the command a
   * saga sends), and {@code correlationId} that of the first message of the chain. Axon's defaults
   * ({@code correlationId} for the cause, {@code traceId} for the first) are renamed here so that
   * the stored metadata says what auditors expect; events recorded before the change carry the old
   * names, and the audit endpoints read both (docs/events.md).
   */
  @Bean
  CorrelationDataProvider messageOriginProvider() {
    return new MessageOriginProvider(CAUSATION_ID, CORRELATION_ID);
  }

  /** Metadata key of the identifier of the message that caused this one. */
  public static final String CAUSATION_ID = "causationId";

  /** Metadata key of the identifier of the first message of the chain. */
  public static final String CORRELATION_ID = "correlationId";

  @Bean
  CorrelationDataProvider requestMetadataProvider() {
    return new SimpleCorrelationDataProvider(REQUEST_METADATA);
  }

  @Bean(destroyMethod = "shutdown")
  ScheduledExecutorService commandRetryExecutor() {
    return Executors.newScheduledThreadPool(
        2,
        runnable -> {
          Thread thread = new Thread(runnable, "command-retry");
          thread.setDaemon(true);
          return thread;
        });
  }

  /**
   * The gateway retries commands that lost a race on the event store; see {@link
   * ConflictRetryScheduler}.
   */
  @Bean
  CommandGateway commandGateway(
      CommandBus commandBus,
      ScheduledExecutorService commandRetryExecutor,
      LedgerProperties properties) {
    return DefaultCommandGateway.builder()
        .commandBus(commandBus)
        .retryScheduler(
            new ConflictRetryScheduler(
                commandRetryExecutor, properties.commands().conflictRetries()))
        .build();
  }

  /**
   * Snapshots are taken after a command commits; with Axon's default direct executor that happens
   * on the command's thread while it still holds its connection and the aggregate's lock, and needs
   * a second connection: under load every pooled connection is held by a command waiting for that
   * lock, and the pool deadlocks. Here snapshots run on their own bounded executor; one that does
   * not fit is dropped (a snapshot only saves time, and the next trigger takes it).
   */
  @Bean
  Snapshotter snapshotter(
      org.axonframework.config.Configuration configuration,
      HandlerDefinition handlerDefinition,
      ParameterResolverFactory parameterResolverFactory,
      EventStore eventStore,
      TransactionManager transactionManager) {
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(SNAPSHOT_QUEUE_MAX),
            runnable -> {
              Thread thread = new Thread(runnable, "snapshotter");
              thread.setDaemon(true);
              return thread;
            },
            new ThreadPoolExecutor.DiscardPolicy());
    // Axon's SpringAggregateSnapshotter only knows aggregates that are Spring beans; ours are
    // registered through a ConfigurerModule, so the factories are named here.
    return AggregateSnapshotter.builder()
        .aggregateFactories(
            List.of(
                new GenericAggregateFactory<>(Account.class),
                new GenericAggregateFactory<>(Product.class)))
        .repositoryProvider(configuration::repository)
        .transactionManager(transactionManager)
        .eventStore(eventStore)
        .parameterResolverFactory(parameterResolverFactory)
        .handlerDefinition(handlerDefinition)
        .executor(executor)
        .build();
  }

  private static Postings postings(org.axonframework.config.Configuration c, Clock clock) {
    return new Postings(c.repository(Account.class), c.repository(Transfer.class), clock);
  }

  /** How the escrow saga retries its Stripe steps; a resource of its handlers. */
  @Bean
  EscrowPolicy escrowPolicy(LedgerProperties properties) {
    return properties.escrow().policy();
  }

  /** Snapshots waiting to be taken before new requests are dropped. */
  static final int SNAPSHOT_QUEUE_MAX = 1_000;

  /** Aggregates, command handlers and sagas of the core, which knows nothing of Spring. */
  @Bean
  ConfigurerModule ledgerDomainModule(Clock clock, LedgerProperties properties) {
    int snapshotThreshold = properties.commands().snapshotThreshold();
    return configurer -> {
      // accounts are loaded by every movement: kept in memory, checked against the store on use
      int cacheSize = properties.commands().aggregateCacheSize();
      configurer.configureAggregate(
          AggregateConfigurer.defaultConfiguration(Account.class)
              .configureRepository(
                  c ->
                      CheckedCachingRepository.create(
                          Account.class,
                          c,
                          cacheSize == 0
                              ? NoCache.INSTANCE
                              : new CheckedCachingRepository.Bounded(cacheSize),
                          new EventCountSnapshotTriggerDefinition(
                              c.snapshotter(), snapshotThreshold))));
      // a transfer is looked up by every movement, almost always to learn that it is new: one
      // query answers that; transfers are not kept in memory (each is touched about once)
      configurer.configureAggregate(
          AggregateConfigurer.defaultConfiguration(Transfer.class)
              .configureRepository(
                  c ->
                      CheckedCachingRepository.create(
                          Transfer.class,
                          c,
                          NoCache.INSTANCE,
                          NoSnapshotTriggerDefinition.INSTANCE)));
      configurer.configureAggregate(AggregateConfigurer.defaultConfiguration(JournalEntry.class));
      configurer.configureAggregate(AggregateConfigurer.defaultConfiguration(StripePayment.class));
      configurer.configureAggregate(AggregateConfigurer.defaultConfiguration(Investment.class));
      configurer.configureAggregate(
          AggregateConfigurer.defaultConfiguration(Product.class)
              .configureSnapshotTrigger(
                  c ->
                      new EventCountSnapshotTriggerDefinition(c.snapshotter(), snapshotThreshold)));
      configurer.configureAggregate(AggregateConfigurer.defaultConfiguration(Order.class));
      configurer.configureAggregate(AggregateConfigurer.defaultConfiguration(Escrow.class));
      configurer.configureAggregate(AggregateConfigurer.defaultConfiguration(PayoutFailures.class));
      configurer.registerCommandHandler(
          c -> new EscrowCommandHandler(c.repository(Escrow.class), postings(c, clock), clock));
      configurer.registerCommandHandler(
          c -> new PayoutFailures.Handler(c.repository(PayoutFailures.class), clock));
      configurer.configureAggregate(AggregateConfigurer.defaultConfiguration(CoinPurchase.class));
      configurer.configureAggregate(AggregateConfigurer.defaultConfiguration(Gift.class));
      configurer.registerCommandHandler(
          c ->
              new CheckoutCommandHandler(
                  c.repository(Product.class),
                  c.repository(Order.class),
                  postings(c, clock),
                  clock));
      configurer.registerCommandHandler(
          c -> new AccountCommandHandler(c.repository(Account.class), clock));
      configurer.registerCommandHandler(
          c ->
              new TransferCommandHandler(
                  c.repository(Account.class),
                  c.repository(Transfer.class),
                  c.repository(JournalEntry.class),
                  clock));
      configurer.registerCommandHandler(c -> new PointsCommandHandler(postings(c, clock)));
      configurer.registerCommandHandler(
          c -> new PaymentCommandHandler(c.repository(StripePayment.class)));
      configurer.registerCommandHandler(
          c ->
              new InvestmentCommandHandler(
                  c.repository(Investment.class), postings(c, clock), clock));
      // A segment's claim is extended at a third of the claim timeout: with Axon's default of every
      // 5 s, a claim timeout of 10 s leaves a busy node one missed extension from losing its
      // segments to another node, which then handles the same events again.
      long claimExtension = Math.max(200, properties.processors().claimTimeout().toMillis() / 3);
      configurer.registerCommandHandler(
          c ->
              new CoinPurchaseCommandHandler(
                  c.repository(CoinPurchase.class), postings(c, clock), clock));
      configurer.registerCommandHandler(
          c ->
              new GiftCommandHandler(
                  c.repository(Gift.class),
                  postings(c, clock),
                  clock,
                  properties.coins().giftFeeBasisPoints()));
      configurer
          .eventProcessing()
          .registerPooledStreamingEventProcessorConfiguration(
              (c, builder) -> builder.claimExtensionThreshold(claimExtension))
          .registerSaga(PendingTransferExpirySaga.class)
          .registerSaga(InvestmentPaymentSaga.class)
          .registerSaga(CardCheckoutSaga.class)
          .registerSaga(EscrowSaga.class)
          .registerSaga(CoinPurchaseSaga.class)
          // The default error handler logs and moves on: a saga would silently miss an event.
          .registerDefaultListenerInvocationErrorHandler(c -> PropagatingErrorHandler.instance());
    };
  }
}
