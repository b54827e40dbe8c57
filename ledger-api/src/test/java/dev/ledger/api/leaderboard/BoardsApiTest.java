package dev.ledger.api.leaderboard;

import dev.ledger.api.support.ApiTest;
import org.springframework.test.context.TestPropertySource;

/**
 * The engine as {@link ApiTest} has it, in a Spring context of the leaderboard tests' own. Spring 7
 * pauses (stops) a cached context when a test class uses another one and starts it again when it is
 * needed; Axon's configuration cannot start again once stopped (its processors' executors are shut
 * down). The shared {@code ApiTest} context is paused whenever a {@code StripeApiTest} class runs,
 * so a class that follows those with it fails to start. A context used by these classes alone is
 * created when they first run and is never restarted.
 */
@TestPropertySource(properties = "leaderboard-tests.context=own")
abstract class BoardsApiTest extends ApiTest {}
