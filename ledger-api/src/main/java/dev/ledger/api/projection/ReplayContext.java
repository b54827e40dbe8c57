package dev.ledger.api.projection;

import java.time.Duration;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.annotation.HandlerDefinition;
import org.axonframework.messaging.annotation.ParameterResolverFactory;
import org.axonframework.serialization.Serializer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What a replay runner needs from the engine.
 *
 * @param nodeId this instance's name, as in the processors' claims
 * @param liveSchema the schema of the live read-model tables
 * @param batchSize events per shadow transaction
 * @param pollInterval how long the runner waits for new events before it looks at its state again
 * @param claimTimeout after this long an instance that has not confirmed a pause is presumed dead
 */
record ReplayContext(
    ReplayStore store,
    ReadModels readModels,
    JdbcTemplate jdbc,
    TransactionTemplate transactions,
    EventStore eventStore,
    Serializer serializer,
    ParameterResolverFactory parameterResolverFactory,
    HandlerDefinition handlerDefinition,
    String nodeId,
    String liveSchema,
    int batchSize,
    Duration pollInterval,
    Duration claimTimeout) {}
