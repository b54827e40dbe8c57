package dev.ledger.api.config;

import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.pooled.PooledStreamingEventProcessor;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Shares the segments of every event processor fairly between the engine nodes on one database.
 *
 * <p>A pooled processor claims every segment nobody holds, so the first node up would keep all of
 * them and the others would process nothing. Axon's static cap ({@code maxClaimedSegments}) would
 * leave segments unprocessed when a node dies. Instead each node heartbeats into {@code
 * engine_node}; every {@code balanceInterval} it counts the nodes alive (a heartbeat within the
 * claim timeout) and, for each processor, releases the segments it holds beyond its fair share
 * ({@code ceil(segments / nodes)}) for a while, so another node claims them. A node that dies stops
 * heartbeating and its claims time out; the survivors, which have no cap, take its segments over.
 */
@Component
public class SegmentBalancer {
  private static final Logger log = LoggerFactory.getLogger(SegmentBalancer.class);

  private final EventProcessingConfiguration processing;
  private final TokenStore tokenStore;
  private final JdbcTemplate jdbc;
  private final String nodeId;
  private final LedgerProperties.Processors settings;

  public SegmentBalancer(
      EventProcessingConfiguration processing,
      TokenStore tokenStore,
      JdbcTemplate jdbc,
      LedgerProperties properties) {
    this.processing = processing;
    this.tokenStore = tokenStore;
    this.jdbc = jdbc;
    this.nodeId = properties.nodeId();
    this.settings = properties.processors();
  }

  @Scheduled(
      fixedDelayString = "${ledger.processors.balance-interval:5s}",
      initialDelayString = "${ledger.processors.balance-interval:5s}")
  public void scheduled() {
    try {
      heartbeat();
      if (settings.balance()) {
        balance();
      }
    } catch (RuntimeException e) {
      log.warn("segment balancing failed; trying again next time: {}", e.toString());
    }
  }

  /** Records that this node is alive. */
  public void heartbeat() {
    jdbc.update(
        "INSERT INTO engine_node (node_id) VALUES (?)"
            + " ON CONFLICT (node_id) DO UPDATE SET heartbeat_at = now()",
        nodeId);
  }

  /** The nodes with a heartbeat within the claim timeout (this one included). */
  public int liveNodes() {
    Integer live =
        jdbc.queryForObject(
            "SELECT count(*) FROM engine_node WHERE heartbeat_at > now() - make_interval(secs => ?)",
            Integer.class,
            (double) settings.claimTimeout().toMillis() / 1000);
    return Math.max(1, live == null ? 1 : live);
  }

  /** Releases, per processor, the segments this node holds beyond its fair share. */
  public List<String> balance() {
    int nodes = liveNodes();
    List<String> released = new ArrayList<>();
    for (EventProcessor processor : processing.eventProcessors().values()) {
      if (!(processor instanceof PooledStreamingEventProcessor pooled) || !pooled.isRunning()) {
        continue;
      }
      int total = tokenStore.fetchSegments(pooled.getName()).length;
      List<Integer> owned = new ArrayList<>(pooled.processingStatus().keySet());
      int fair = (total + nodes - 1) / nodes;
      owned.sort(java.util.Comparator.reverseOrder());
      for (int i = 0; i < owned.size() - fair; i++) {
        pooled.releaseSegment(owned.get(i), releaseFor().toMillis(), TimeUnit.MILLISECONDS);
        released.add(pooled.getName() + "#" + owned.get(i));
      }
    }
    if (!released.isEmpty()) {
      log.info("released segments {} for the {} nodes alive to share", released, nodes);
    }
    return released;
  }

  /**
   * Long enough for another node's coordinator to claim a released segment, even on a busy machine;
   * if none does, this node takes it back afterwards.
   */
  private Duration releaseFor() {
    return settings.claimTimeout().multipliedBy(3);
  }

  @PreDestroy
  void leave() {
    try {
      jdbc.update("DELETE FROM engine_node WHERE node_id = ?", nodeId);
    } catch (RuntimeException e) {
      log.debug("could not remove this node from engine_node: {}", e.toString());
    }
  }
}
