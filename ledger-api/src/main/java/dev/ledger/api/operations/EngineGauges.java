package dev.ledger.api.operations;

import dev.ledger.api.config.LedgerProperties;
import dev.ledger.api.ledger.Positions;
import dev.ledger.api.stripe.WebhookInbox;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.config.SagaConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Gauges of the engine's state in the database: how far each event processor has read and how far
 * behind the newest event it is, dead letters per processing group, the Stripe webhook inbox by
 * status, and running sagas by type. One task reads them every {@code
 * LEDGER_METRICS_REFRESH_INTERVAL}, with one query per table (the head from the event store, which
 * is Axon Server's when the engine uses it); the gauges answer from what it read, so however often
 * and by however many scrapers the engine is asked, the database sees the same few queries. The
 * values are the cluster's (the tables are shared); every node reports them, so dashboards take
 * their {@code max}, not their sum. Whether a processor runs, and the segments this node holds, are
 * the node's own.
 */
@Component
public class EngineGauges {
  private static final Logger log = LoggerFactory.getLogger(EngineGauges.class);

  private final JdbcTemplate jdbc;
  private final ObjectProvider<EventStore> eventStore;
  private final Positions positions;
  private final ObjectProvider<EventProcessingConfiguration> processing;
  private final MeterRegistry meters;
  private final String nodeId;
  private final Clock clock;
  private final Counter failures;
  private final Set<String> registered = ConcurrentHashMap.newKeySet();
  private volatile Snapshot snapshot = Snapshot.EMPTY;
  private volatile boolean failing;

  public EngineGauges(
      JdbcTemplate jdbc,
      ObjectProvider<EventStore> eventStore,
      Positions positions,
      ObjectProvider<EventProcessingConfiguration> processing,
      MeterRegistry meters,
      LedgerProperties properties,
      Clock clock) {
    this.jdbc = jdbc;
    this.eventStore = eventStore;
    this.positions = positions;
    this.processing = processing;
    this.meters = meters;
    this.nodeId = properties.nodeId();
    this.clock = clock;
    this.failures =
        Counter.builder("ledger.metrics.refresh.failures")
            .description("reads of the database-backed gauges that failed")
            .register(meters);
    Gauge.builder("ledger.events.head", this, g -> g.snapshot.head)
        .description("position of the newest event in the history")
        .register(meters);
    Gauge.builder(
            "ledger.metrics.refresh.age",
            this,
            g ->
                g.snapshot.readAt == null
                    ? Double.NaN
                    : Duration.between(g.snapshot.readAt, g.clock.instant()).toMillis() / 1000.0)
        .description("seconds since the database-backed gauges were last read")
        .baseUnit("seconds")
        .register(meters);
    for (WebhookInbox.Status status : WebhookInbox.Status.values()) {
      gauge(
          "ledger.webhook.inbox",
          "status",
          status.name(),
          "Stripe webhooks in the inbox by status",
          s -> s.webhooks.getOrDefault(status.name(), 0L));
    }
  }

  /** What one refresh read. Maps are keyed by processor, processing group, status, saga type. */
  record Snapshot(
      Instant readAt,
      long head,
      Map<String, Long> positions,
      Map<String, Long> claimedHere,
      Map<String, Long> deadLetters,
      Map<String, Long> webhooks,
      Map<String, Long> sagas) {
    static final Snapshot EMPTY =
        new Snapshot(null, 0, Map.of(), Map.of(), Map.of(), Map.of(), Map.of());

    long lag(String processor) {
      long position = positions.getOrDefault(processor, -1L);
      return Math.max(0, head - Math.max(position, 0));
    }
  }

  @Scheduled(fixedDelayString = "${ledger.metrics.refresh-interval:10s}")
  public void scheduled() {
    try {
      refresh();
      if (failing) {
        failing = false;
        log.info("database-backed metrics are read again");
      }
    } catch (RuntimeException e) {
      failures.increment();
      if (!failing) {
        failing = true;
        log.warn(
            "cannot read the database-backed metrics; they keep their last values: {}",
            e.toString());
      }
    }
  }

  /** Reads every database-backed value now. */
  public void refresh() {
    Instant readAt = clock.instant();
    // from the event store itself, so that the head is right with Axon Server as well
    TrackingToken headToken = eventStore.getObject().createHeadToken(); // null: no event yet
    long head = headToken == null ? 0 : headToken.position().orElse(0);
    Map<String, Long> reached = new HashMap<>();
    Map<String, Long> claimedHere = new HashMap<>();
    for (Positions.SegmentPosition segment : positions.segments()) {
      reached.merge(segment.processor(), segment.position(), Math::min);
      claimedHere.merge(segment.processor(), nodeId.equals(segment.owner()) ? 1L : 0L, Long::sum);
    }
    Map<String, Long> deadLetters =
        counts("SELECT processing_group, count(*) FROM dead_letter_entry GROUP BY 1");
    Map<String, Long> webhooks =
        counts("SELECT status, count(*) FROM stripe_webhook_event GROUP BY 1");
    Map<String, Long> sagas = new HashMap<>();
    counts("SELECT saga_type, count(*) FROM saga_entry GROUP BY 1")
        .forEach((type, count) -> sagas.merge(simpleName(type), count, Long::sum));
    snapshot =
        new Snapshot(
            readAt,
            head,
            Map.copyOf(reached),
            Map.copyOf(claimedHere),
            Map.copyOf(deadLetters),
            Map.copyOf(webhooks),
            Map.copyOf(sagas));
    registerGauges();
  }

  private Map<String, Long> counts(String sql) {
    Map<String, Long> counts = new HashMap<>();
    jdbc.query(
        sql,
        (org.springframework.jdbc.core.RowCallbackHandler)
            rs -> counts.put(rs.getString(1), rs.getLong(2)));
    return counts;
  }

  /** Gauges for every processor, group and saga type known now; each registered once. */
  private void registerGauges() {
    EventProcessingConfiguration configuration = processing.getIfAvailable();
    Map<String, EventProcessor> processors =
        configuration == null ? Map.of() : configuration.eventProcessors();
    Set<String> names = new java.util.TreeSet<>(processors.keySet());
    names.addAll(snapshot.positions.keySet());
    for (String processor : names) {
      gauge(
          "ledger.processor.position",
          "processor",
          processor,
          "lowest position stored by the processor's segments (-1 before it read anything)",
          s -> s.positions.getOrDefault(processor, -1L));
      gauge(
          "ledger.processor.lag",
          "processor",
          processor,
          "events between the newest one and the processor's position",
          s -> s.lag(processor));
      gauge(
          "ledger.processor.segments.claimed",
          "processor",
          processor,
          "segments of the processor this node holds",
          s -> s.claimedHere.getOrDefault(processor, 0L));
      gauge(
          "ledger.dead.letters",
          "processing_group",
          processor,
          "dead letters of the processing group",
          s -> s.deadLetters.getOrDefault(processor, 0L));
      if (registered.add("running|" + processor)) {
        Gauge.builder("ledger.processor.running", processing, p -> state(p, processor, false))
            .description("1 while the processor runs on this node")
            .tag("processor", processor)
            .register(meters);
        Gauge.builder("ledger.processor.error", processing, p -> state(p, processor, true))
            .description("1 while the processor is in error on this node and retrying")
            .tag("processor", processor)
            .register(meters);
      }
    }
    for (String group : snapshot.deadLetters.keySet()) {
      gauge(
          "ledger.dead.letters",
          "processing_group",
          group,
          "dead letters of the processing group",
          s -> s.deadLetters.getOrDefault(group, 0L));
    }
    Set<String> sagaTypes = new java.util.TreeSet<>(snapshot.sagas.keySet());
    if (configuration != null) {
      for (SagaConfiguration<?> saga : configuration.sagaConfigurations()) {
        sagaTypes.add(saga.type().getSimpleName());
      }
    }
    for (String type : sagaTypes) {
      gauge(
          "ledger.sagas.active",
          "saga",
          type,
          "sagas of the type that have started and not ended",
          s -> s.sagas.getOrDefault(type, 0L));
    }
  }

  private static double state(
      ObjectProvider<EventProcessingConfiguration> processing, String name, boolean error) {
    EventProcessingConfiguration configuration = processing.getIfAvailable();
    EventProcessor processor =
        configuration == null ? null : configuration.eventProcessors().get(name);
    if (processor == null) {
      return 0;
    }
    return (error ? processor.isError() : processor.isRunning()) ? 1 : 0;
  }

  private void gauge(
      String name, String tag, String value, String description, ToDoubleFunction<Snapshot> read) {
    if (registered.add(name + "|" + value)) {
      Gauge.builder(name, this, g -> read.applyAsDouble(g.snapshot))
          .description(description)
          .tag(tag, value)
          .register(meters);
    }
  }

  /** {@code dev.ledger.core.escrow.EscrowSaga} → {@code EscrowSaga}. */
  static String simpleName(String type) {
    if (type == null) {
      return "unknown";
    }
    return type.substring(Math.max(type.lastIndexOf('.'), type.lastIndexOf('$')) + 1);
  }
}
