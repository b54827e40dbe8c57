package dev.ledger.api.projection;

import dev.ledger.api.config.LedgerProperties;
import dev.ledger.api.projection.Replay.State;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.annotation.HandlerDefinition;
import org.axonframework.messaging.annotation.ParameterResolverFactory;
import org.axonframework.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Replays of read models on this instance, and this instance's part in replays run anywhere.
 * Everything goes through the database ({@code projection_replay}), so any number of instances can
 * run side by side: a replay is requested on one, built by one (another takes it over if that one
 * goes quiet), and every instance stops its own processor of the read model while the rebuilt
 * tables are swapped in, confirms it, and starts it again once the replay is over. See {@link
 * ReplayRunner} and ADR 0020.
 */
@Component
public class ProjectionReplays implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(ProjectionReplays.class);

  private final ReplayStore store;
  private final ReadModels readModels;
  private final JdbcTemplate jdbc;
  private final TransactionTemplate transactions;
  private final EventStore eventStore;
  private final Serializer serializer;
  private final ParameterResolverFactory parameterResolverFactory;
  private final HandlerDefinition handlerDefinition;
  private final EventProcessingConfiguration processing;
  private final String nodeId;
  private final LedgerProperties.Processors settings;

  /** Replays this instance is running. */
  private final Set<String> running = ConcurrentHashMap.newKeySet();

  /** Processors this instance stopped for a replay's swap: read model to replay id. */
  private final Map<String, String> pausedHere = new ConcurrentHashMap<>();

  private volatile ReplayContext context;
  private ExecutorService runners;
  private ScheduledExecutorService poller;
  private volatile boolean started;

  public ProjectionReplays(
      ReplayStore store,
      ReadModels readModels,
      JdbcTemplate jdbc,
      PlatformTransactionManager transactionManager,
      EventStore eventStore,
      @Qualifier("serializer") Serializer serializer,
      ParameterResolverFactory parameterResolverFactory,
      HandlerDefinition handlerDefinition,
      EventProcessingConfiguration processing,
      LedgerProperties properties) {
    this.store = store;
    this.readModels = readModels;
    this.jdbc = jdbc;
    this.transactions = new TransactionTemplate(transactionManager);
    this.eventStore = eventStore;
    this.serializer = serializer;
    this.parameterResolverFactory = parameterResolverFactory;
    this.handlerDefinition = handlerDefinition;
    this.processing = processing;
    this.nodeId = properties.nodeId();
    this.settings = properties.processors();
  }

  /**
   * Starts a replay of {@code model}, run by this instance. Throws {@link
   * ReplayStore.ReplayRunning} if one is under way (on any instance).
   */
  public Replay request(ReadModel model, String requestedBy) {
    Replay replay = store.start(model.name(), requestedBy, nodeId);
    submit(replay.id());
    return replay;
  }

  public Optional<Replay> latest(String projection) {
    return store.latest(projection);
  }

  /** This instance's processor of the read model, if it has one. */
  public Optional<EventProcessor> processor(String name) {
    return processing.eventProcessor(name);
  }

  private void submit(String id) {
    if (!started || !running.add(id)) {
      return;
    }
    runners.submit(
        () -> {
          try {
            new ReplayRunner(id, context(), () -> started).run();
          } finally {
            running.remove(id);
          }
        });
  }

  private ReplayContext context() {
    if (context == null) {
      context =
          new ReplayContext(
              store,
              readModels,
              jdbc,
              transactions,
              eventStore,
              serializer,
              parameterResolverFactory,
              handlerDefinition,
              nodeId,
              jdbc.queryForObject("SELECT current_schema()", String.class),
              settings.replayBatchSize(),
              settings.replayPollInterval(),
              settings.claimTimeout());
    }
    return context;
  }

  /**
   * This instance's part in every replay: stops its processor of a read model whose replay is
   * switching and confirms it; starts it again when that replay is over; takes over a replay whose
   * runner went quiet.
   */
  void poll() {
    List<Replay> active = store.active();
    Set<String> switching = new HashSet<>();
    for (Replay replay : active) {
      if (replay.state() != State.SWITCHING) {
        continue;
      }
      switching.add(replay.projection());
      processing
          .eventProcessor(replay.projection())
          .filter(EventProcessor::isRunning)
          .ifPresent(
              processor -> {
                log.info(
                    "Stopping processor {} for the swap of replay {}",
                    replay.projection(),
                    replay.id());
                pausedHere.put(replay.projection(), replay.id());
                processor.shutDown();
              });
      store.ack(replay.id(), nodeId, replay.pauses());
    }
    for (String projection : List.copyOf(pausedHere.keySet())) {
      if (!switching.contains(projection)) {
        log.info("Starting processor {} again: its replay is over", projection);
        processing.eventProcessor(projection).ifPresent(EventProcessor::start);
        pausedHere.remove(projection);
      }
    }
    for (String id : store.takeOver(nodeId, settings.replayTakeoverAfter())) {
      log.info("Taking over replay {}: its instance went quiet", id);
      submit(id);
    }
  }

  @Override
  public void start() {
    runners =
        Executors.newFixedThreadPool(
            Math.max(1, readModels.all().size()), daemon("projection-replay"));
    poller = Executors.newSingleThreadScheduledExecutor(daemon("projection-replay-poll"));
    started = true;
    long interval = settings.replayPollInterval().toMillis();
    poller.scheduleWithFixedDelay(
        () -> {
          try {
            poll();
          } catch (RuntimeException e) {
            log.warn("Looking at the replays under way failed; trying again", e);
          }
        },
        interval,
        interval,
        TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    started = false;
    poller.shutdownNow();
    runners.shutdownNow();
    try {
      runners.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      poller.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** How long a stop waits for a runner's transaction to end. */
  private static final Duration STOP_WAIT = Duration.ofSeconds(10);

  @Override
  public boolean isRunning() {
    return started;
  }

  /** Starts after the event processors, and stops before them. */
  @Override
  public int getPhase() {
    return Integer.MAX_VALUE - 1_000;
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
