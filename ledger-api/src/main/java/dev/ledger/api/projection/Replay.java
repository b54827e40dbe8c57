package dev.ledger.api.projection;

import java.time.Instant;
import java.util.List;

/**
 * One replay of a read model, as {@code projection_replay} holds it.
 *
 * @param runner the engine instance building it
 * @param token how far the shadow tables are built (serialized), null before the first batch
 * @param position the position of that token, -1 before the first batch
 * @param pauses how many times the live processor was paused for the swap
 * @param pausedOwners the instances that held claims of the live processor when it was last paused
 * @param pausePosition the furthest position the live processor's segments had reached then
 */
public record Replay(
    String id,
    String projection,
    State state,
    String requestedBy,
    Instant requestedAt,
    String runner,
    Instant heartbeatAt,
    byte[] token,
    String tokenType,
    long position,
    long eventsApplied,
    int pauses,
    Instant pausedAt,
    List<String> pausedOwners,
    long pausePosition,
    Instant finishedAt,
    String error) {

  /** Where a replay is. */
  public enum State {
    /** The shadow tables are being built from the history; the live read model runs as usual. */
    BUILDING,
    /** The live processor is paused while the shadow tables catch up and are swapped in. */
    SWITCHING,
    /** The rebuilt tables replaced the live ones. */
    DONE,
    /** The replay stopped; the live read model was left as it was. */
    FAILED;

    public boolean active() {
      return this == BUILDING || this == SWITCHING;
    }
  }
}
