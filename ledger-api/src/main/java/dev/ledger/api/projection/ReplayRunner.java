package dev.ledger.api.projection;

import dev.ledger.api.projection.Replay.State;
import dev.ledger.api.projection.ReplayStore.LostOwnership;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.axonframework.common.DateTimeUtils;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.serialization.SimpleSerializedType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one replay on this instance, from where its row says it is, until it is done, fails, or
 * another instance takes it over (ADR 0020):
 *
 * <ol>
 *   <li><b>Build aside.</b> A fresh instance of the projection's handlers reads the whole history
 *       in order and writes into the shadow schema (the transaction's {@code search_path} is that
 *       schema alone). Each batch commits with its token in {@code projection_replay}, so a replay
 *       resumes where it was, on any instance. The live read model keeps running and answering.
 *   <li><b>Pause.</b> Once the shadow has caught up with the history, the live processor's segments
 *       are claimed for the replay in {@code token_entry} (so no instance can commit to the live
 *       tables any more), and each instance stops its processor and says so in {@code
 *       projection_replay_ack}. Reads keep answering from the live tables meanwhile.
 *   <li><b>Swap.</b> When every instance that held a claim has confirmed (or the claim timeout has
 *       passed, after which Axon itself presumes an instance dead) and the shadow has reached where
 *       the live processor had stopped, one transaction replaces the live tables' rows by the
 *       shadow's, sets every segment's token to the shadow's, releases the claims, drops the
 *       processor's dead letters (the replay applied those events) and marks the replay done.
 *       Readers see the old rows until that commits, and the new rows after.
 * </ol>
 */
final class ReplayRunner implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(ReplayRunner.class);

  /**
   * Pauses of the live processor before the replay gives up (each one lost to a restarted node).
   */
  static final int PAUSES_MAX = 5;

  private final String id;
  private final ReplayContext context;
  private final BooleanSupplier instanceRunning;
  private final String marker;
  private ReadModel model;
  private Shadow shadow;
  private TrackingToken token;

  /**
   * @param instanceRunning false once this instance is stopping: a failure then is the stop's, not
   *     the replay's, and another instance takes the replay over
   */
  ReplayRunner(String id, ReplayContext context, BooleanSupplier instanceRunning) {
    this.id = id;
    this.context = context;
    this.instanceRunning = instanceRunning;
    this.marker = "replay:" + id;
  }

  @Override
  public void run() {
    try {
      execute();
    } catch (LostOwnership e) {
      log.info("Replay {}: {}", id, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.info("Replay {} interrupted: this instance stops; another will take it over", id);
    } catch (Exception e) {
      if (Thread.currentThread().isInterrupted() || !instanceRunning.getAsBoolean()) {
        log.info("Replay {} stopped with this instance; another will take it over", id);
        return;
      }
      fail(e);
    }
  }

  private void execute() throws Exception {
    Replay replay = context.store().find(id).orElseThrow();
    if (!replay.state().active() || !replay.runner().equals(context.nodeId())) {
      return;
    }
    model =
        context
            .readModels()
            .find(replay.projection())
            .orElseThrow(() -> new IllegalStateException("no read model " + replay.projection()));
    shadow = new Shadow(context.jdbc(), context.liveSchema(), model);
    token = replay.token() == null ? null : deserialize(replay.token(), replay.tokenType());
    if (token == null || !shadow.exists()) {
      context
          .transactions()
          .executeWithoutResult(
              status -> {
                context.store().lock(id, context.nodeId());
                shadow.create();
                context.store().restart(id, context.nodeId());
              });
      token = null;
      log.info(
          "Replay {} of {} builds its tables in schema {}", id, model.name(), model.shadowSchema());
    }
    Object handlers = model.handlers().apply(context.jdbc());
    AnnotationEventHandlerAdapter adapter =
        new AnnotationEventHandlerAdapter(
            handlers, context.parameterResolverFactory(), context.handlerDefinition());
    try (BlockingStream<TrackedEventMessage<?>> stream = context.eventStore().openStream(token)) {
      while (!Thread.currentThread().isInterrupted()) {
        List<TrackedEventMessage<?>> batch = next(stream);
        Replay now = batch.isEmpty() ? heartbeat() : apply(batch, adapter);
        if (now.state() == State.BUILDING && batch.size() < context.batchSize()) {
          pause();
        } else if (now.state() == State.SWITCHING) {
          refreshPause();
          if (readyToSwap(now) && swap()) {
            return;
          }
        }
      }
    }
  }

  /** Up to a batch of events, waiting a poll interval for the first. */
  private List<TrackedEventMessage<?>> next(BlockingStream<TrackedEventMessage<?>> stream)
      throws InterruptedException {
    List<TrackedEventMessage<?>> batch = new ArrayList<>();
    long wait = context.pollInterval().toMillis();
    while (batch.size() < context.batchSize()
        && stream.hasNextAvailable(batch.isEmpty() ? (int) wait : 0, TimeUnit.MILLISECONDS)) {
      batch.add(stream.nextAvailable());
    }
    return batch;
  }

  private Replay heartbeat() {
    return context.transactions().execute(status -> context.store().lock(id, context.nodeId()));
  }

  /** Applies a batch to the shadow tables and records the progress, in one transaction. */
  private Replay apply(List<TrackedEventMessage<?>> batch, AnnotationEventHandlerAdapter adapter) {
    TrackingToken last = batch.get(batch.size() - 1).trackingToken();
    SerializedObject<byte[]> serialized = context.serializer().serialize(last, byte[].class);
    Replay replay =
        context
            .transactions()
            .execute(
                status -> {
                  Replay locked = context.store().lock(id, context.nodeId());
                  String searchPath =
                      context
                          .jdbc()
                          .queryForObject("SELECT current_setting('search_path')", String.class);
                  context
                      .jdbc()
                      .execute("SET LOCAL search_path TO " + Shadow.quote(model.shadowSchema()));
                  for (TrackedEventMessage<?> event : batch) {
                    handle(adapter, event);
                  }
                  context
                      .jdbc()
                      .queryForObject(
                          "SELECT set_config('search_path', ?, true)", String.class, searchPath);
                  context
                      .store()
                      .progress(
                          id,
                          context.nodeId(),
                          serialized.getData(),
                          serialized.getType().getName(),
                          last.position().orElse(-1),
                          batch.size());
                  return locked;
                });
    token = last;
    return replay;
  }

  private static void handle(AnnotationEventHandlerAdapter adapter, TrackedEventMessage<?> event) {
    if (!adapter.canHandle(event)) {
      return;
    }
    DefaultUnitOfWork.startAndGet(event)
        .execute(
            () -> {
              try {
                adapter.handle(event);
              } catch (RuntimeException e) {
                throw e;
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
  }

  /**
   * Claims every segment of the live processor for the replay, remembering which instances held
   * them and how far they had got. From here on no instance can commit to the live tables.
   */
  private void pause() {
    context
        .transactions()
        .executeWithoutResult(
            status -> {
              Replay replay = context.store().lock(id, context.nodeId());
              if (replay.pauses() >= PAUSES_MAX) {
                throw new IllegalStateException(
                    "the "
                        + model.name()
                        + " processor was paused "
                        + PAUSES_MAX
                        + " times and each time an instance claimed it again");
              }
              List<Segment> segments = segments(true);
              if (segments.isEmpty()) {
                throw new IllegalStateException(
                    "the " + model.name() + " processor has no tokens to take over");
              }
              Instant now = Instant.now();
              Set<String> owners = new LinkedHashSet<>();
              long furthest = -1;
              for (Segment segment : segments) {
                if (segment.owner() != null
                    && !segment.owner().equals(marker)
                    && !segment.expired(now, context.claimTimeout())) {
                  owners.add(segment.owner());
                }
                furthest = Math.max(furthest, segment.position());
              }
              context
                  .jdbc()
                  .update(
                      "UPDATE token_entry SET owner = ?, timestamp = ? WHERE processor_name = ?",
                      marker,
                      DateTimeUtils.formatInstant(now),
                      model.name());
              context.store().paused(id, context.nodeId(), owners, furthest);
              log.info(
                  "Replay {} of {} paused the live processor (claims held by {}, at position {})",
                  id,
                  model.name(),
                  owners,
                  furthest);
            });
  }

  /** Keeps the replay's claims fresh, so no instance takes them while the swap waits. */
  private void refreshPause() {
    context
        .jdbc()
        .update(
            "UPDATE token_entry SET timestamp = ? WHERE processor_name = ? AND owner = ?",
            DateTimeUtils.formatInstant(Instant.now()),
            model.name(),
            marker);
  }

  private boolean readyToSwap(Replay replay) {
    if (position(token) < replay.pausePosition()) {
      return false;
    }
    if (context.store().acks(id, replay.pauses()).containsAll(replay.pausedOwners())) {
      return true;
    }
    return replay.pausedAt() != null
        && Instant.now().isAfter(replay.pausedAt().plus(context.claimTimeout()));
  }

  /**
   * The swap, in one transaction. Answers false when an instance took a segment back meanwhile (its
   * claim had run out): then the processor is paused again, and the swap waits for it once more.
   */
  private boolean swap() {
    Boolean swapped =
        context
            .transactions()
            .execute(
                status -> {
                  context.store().lock(id, context.nodeId());
                  List<Segment> segments = segments(true);
                  if (segments.isEmpty()
                      || segments.stream().anyMatch(s -> !marker.equals(s.owner()))) {
                    return false;
                  }
                  shadow.copyIntoLive();
                  SerializedObject<byte[]> serialized =
                      token == null ? null : context.serializer().serialize(token, byte[].class);
                  context
                      .jdbc()
                      .update(
                          "UPDATE token_entry SET token = ?, token_type = ?, owner = NULL, timestamp = ?"
                              + " WHERE processor_name = ?",
                          serialized == null ? null : serialized.getData(),
                          serialized == null ? null : serialized.getType().getName(),
                          DateTimeUtils.formatInstant(Instant.now()),
                          model.name());
                  context
                      .jdbc()
                      .update(
                          "DELETE FROM dead_letter_entry WHERE processing_group = ?", model.name());
                  context.store().done(id, context.nodeId());
                  return true;
                });
    if (!Boolean.TRUE.equals(swapped)) {
      log.info("Replay {}: an instance claimed {} again; pausing it once more", id, model.name());
      pause();
      return false;
    }
    log.info(
        "Replay {} of {} swapped in the rebuilt tables at position {}",
        id,
        model.name(),
        token == null ? -1 : position(token));
    dropShadow();
    return true;
  }

  private void fail(Exception cause) {
    String error = cause.getClass().getSimpleName() + ": " + cause.getMessage();
    log.error("Replay {} failed: {}", id, error, cause);
    try {
      Boolean failed =
          context
              .transactions()
              .execute(
                  status -> {
                    if (model != null) {
                      context
                          .jdbc()
                          .update(
                              "UPDATE token_entry SET owner = NULL WHERE processor_name = ? AND owner = ?",
                              model.name(),
                              marker);
                    }
                    return context.store().failed(id, context.nodeId(), error);
                  });
      if (Boolean.TRUE.equals(failed)) {
        dropShadow();
      }
    } catch (RuntimeException e) {
      log.error(
          "Replay {} could not be marked as failed; another instance will take it over", id, e);
    }
  }

  private void dropShadow() {
    if (shadow == null) {
      return;
    }
    try {
      shadow.drop();
    } catch (RuntimeException e) {
      log.warn("Replay {}: schema {} could not be dropped", id, model.shadowSchema(), e);
    }
  }

  /** A segment of the live processor, as {@code token_entry} holds it; locked if asked. */
  private record Segment(int segment, String owner, String timestamp, long position) {
    boolean expired(Instant now, Duration claimTimeout) {
      try {
        return Instant.parse(timestamp).plus(claimTimeout).isBefore(now);
      } catch (RuntimeException e) {
        return true;
      }
    }
  }

  private List<Segment> segments(boolean lock) {
    return context
        .jdbc()
        .query(
            "SELECT segment, owner, timestamp, token, token_type FROM token_entry WHERE processor_name = ?"
                + " ORDER BY segment"
                + (lock ? " FOR UPDATE" : ""),
            (rs, i) -> {
              byte[] data = rs.getBytes("token");
              String type = rs.getString("token_type");
              long position = data == null || type == null ? -1 : position(deserialize(data, type));
              return new Segment(
                  rs.getInt("segment"), rs.getString("owner"), rs.getString("timestamp"), position);
            },
            model.name());
  }

  private TrackingToken deserialize(byte[] data, String type) {
    return context
        .serializer()
        .deserialize(
            new SimpleSerializedObject<>(data, byte[].class, new SimpleSerializedType(type, null)));
  }

  private static long position(TrackingToken token) {
    return token == null ? -1 : token.position().orElse(-1);
  }
}
