package dev.ledger.core.account;

import static dev.ledger.core.shared.Rejection.ACCOUNT_NOT_FOUND;
import static dev.ledger.core.shared.Rejection.ID_CONFLICT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.axonframework.test.matchers.Matchers.andNoMore;
import static org.axonframework.test.matchers.Matchers.exactSequenceOf;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Named.named;

import dev.ledger.core.LedgerFixture;
import dev.ledger.core.account.AccountCommands.FreezeAccount;
import dev.ledger.core.account.AccountCommands.OpenAccount;
import dev.ledger.core.account.AccountCommands.UnfreezeAccount;
import dev.ledger.core.account.AccountEvents.AccountFrozen;
import dev.ledger.core.account.AccountEvents.AccountOpened;
import dev.ledger.core.account.AccountEvents.AccountUnfrozen;
import dev.ledger.core.shared.AccountId;
import dev.ledger.core.shared.EventRef;
import dev.ledger.core.shared.LedgerRejection;
import dev.ledger.core.shared.Rejection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.stream.Stream;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.hamcrest.FeatureMatcher;
import org.hamcrest.Matcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An account is opened once (an identical repeat is answered with the account as it is, a different
 * one is an id conflict), freezing or unfreezing it records a change only when there is one, and an
 * account that was never opened can be neither frozen nor unfrozen.
 *
 * <p>The commands run on {@code AggregateTestFixture} through the real {@link
 * AccountCommandHandler}, which opens accounts itself so that it can compare a repeat with what
 * exists.
 */
class AccountTest {
  private static final Instant OPENED_AT = Instant.parse("2026-01-01T00:00:00Z");

  /** The handler's clock stands a day after the given account was opened, so the two can differ. */
  private static final Instant NOW = OPENED_AT.plus(Duration.ofDays(1));

  private static final AccountId ALICE = AccountId.of("acme", "user:alice:points");
  private static final Map<String, String> OWNER = Map.of("owner", "alice");
  private static final OpenAccount OPEN_ALICE = new OpenAccount(ALICE, "POINTS", false, OWNER);
  private static final AccountOpened ALICE_OPENED =
      new AccountOpened(ALICE, "POINTS", false, OWNER, OPENED_AT);

  private final AggregateTestFixture<Account> fixture = new AggregateTestFixture<>(Account.class);

  @BeforeEach
  void registerTheAccountCommandHandler() {
    fixture.registerAnnotatedCommandHandler(
        new AccountCommandHandler(fixture.getRepository(), Clock.fixed(NOW, ZoneOffset.UTC)));
  }

  @Test
  void opensAnAccountWithAZeroBalance() {
    fixture
        .givenNoPriorActivity()
        .when(OPEN_ALICE)
        .expectEvents(new AccountOpened(ALICE, "POINTS", false, OWNER, NOW))
        .expectResultMessagePayload(
            new AccountState(
                ALICE,
                "POINTS",
                false,
                false,
                OWNER,
                Balance.ZERO,
                NOW,
                true,
                new EventRef(ALICE.toString(), 0)))
        .expectState(account -> assertThat(account.balance()).isEqualTo(Balance.ZERO));
  }

  @Test
  void storesTheAccountUnderItsTenantAndAddress() {
    fixture
        .givenNoPriorActivity()
        .when(OPEN_ALICE)
        .expectEventsMatching(
            exactSequenceOf(storedUnder("acme/account/user:alice:points"), andNoMore()));
  }

  @Test
  void answersAnIdenticalRepeatWithTheAccountAsItIs() {
    fixture
        .given(ALICE_OPENED, new AccountFrozen(ALICE, "audit"))
        .when(OPEN_ALICE)
        .expectNoEvents()
        .expectResultMessagePayload(
            new AccountState(
                ALICE,
                "POINTS",
                false,
                true,
                OWNER,
                Balance.ZERO,
                OPENED_AT,
                false,
                new EventRef(ALICE.toString(), 1)));
  }

  static Stream<Arguments> differentContent() {
    return Stream.of(
        Arguments.of(named("another asset", new OpenAccount(ALICE, "EUR", false, OWNER))),
        Arguments.of(
            named("negative balances allowed", new OpenAccount(ALICE, "POINTS", true, OWNER))),
        Arguments.of(
            named(
                "other metadata", new OpenAccount(ALICE, "POINTS", false, Map.of("owner", "bob")))),
        Arguments.of(named("no metadata", new OpenAccount(ALICE, "POINTS", false, null))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("differentContent")
  void rejectsARepeatWithOtherContentAsAnIdConflict(OpenAccount different) {
    fixture
        .given(ALICE_OPENED)
        .when(different)
        .expectException(rejectedFor(ID_CONFLICT))
        .expectNoEvents();
  }

  @Test
  void freezesAnOpenAccount() {
    fixture
        .given(ALICE_OPENED)
        .when(new FreezeAccount(ALICE, "suspected fraud"))
        .expectEvents(new AccountFrozen(ALICE, "suspected fraud"))
        .expectResultMessagePayloadMatching(anAccountThatIsFrozen(true))
        .expectState(account -> assertThat(account.isFrozen()).isTrue());
  }

  @Test
  void freezingAFrozenAccountChangesNothing() {
    fixture
        .given(ALICE_OPENED, new AccountFrozen(ALICE, "first"))
        .when(new FreezeAccount(ALICE, "second"))
        .expectNoEvents()
        .expectResultMessagePayloadMatching(anAccountThatIsFrozen(true));
  }

  @Test
  void unfreezesAFrozenAccount() {
    fixture
        .given(ALICE_OPENED, new AccountFrozen(ALICE, "audit"))
        .when(new UnfreezeAccount(ALICE))
        .expectEvents(new AccountUnfrozen(ALICE))
        .expectResultMessagePayloadMatching(anAccountThatIsFrozen(false))
        .expectState(account -> assertThat(account.isFrozen()).isFalse());
  }

  @Test
  void unfreezingAnAccountThatIsNotFrozenChangesNothing() {
    fixture
        .given(ALICE_OPENED)
        .when(new UnfreezeAccount(ALICE))
        .expectNoEvents()
        .expectResultMessagePayloadMatching(anAccountThatIsFrozen(false));
  }

  @Test
  void rejectsFreezingAnAccountThatDoesNotExist() {
    fixture
        .givenNoPriorActivity()
        .when(new FreezeAccount(ALICE, "audit"))
        .expectException(rejectedFor(ACCOUNT_NOT_FOUND))
        .expectNoEvents();
  }

  @Test
  void rejectsUnfreezingAnAccountThatDoesNotExist() {
    fixture
        .givenNoPriorActivity()
        .when(new UnfreezeAccount(ALICE))
        .expectException(rejectedFor(ACCOUNT_NOT_FOUND))
        .expectNoEvents();
  }

  /**
   * Two accounts with one address: {@code AggregateTestFixture} hosts a single aggregate instance
   * and refuses to load another, so these run on {@link LedgerFixture}, Axon's real command bus and
   * event-sourcing repository.
   */
  @Nested
  class AcrossTenants {
    private static final AccountId GLOBEX_ALICE = AccountId.of("globex", ALICE.address());

    private final LedgerFixture ledger = new LedgerFixture();

    @Test
    void anAccountOfAnotherTenantIsAnotherAccount() {
      ledger.given(OPEN_ALICE);

      ledger.when(new FreezeAccount(GLOBEX_ALICE, "audit")).expectRejection(ACCOUNT_NOT_FOUND);
    }

    @Test
    void theSameAddressOpensInAnotherTenantWithOtherContent() {
      ledger.given(OPEN_ALICE);

      ledger
          .when(new OpenAccount(GLOBEX_ALICE, "EUR", true, null))
          .expectEvents(
              new AccountOpened(GLOBEX_ALICE, "EUR", true, Map.of(), LedgerFixture.START));
    }
  }

  /** A {@link LedgerRejection} for the given rule. */
  private static Matcher<LedgerRejection> rejectedFor(Rejection rule) {
    return new FeatureMatcher<>(equalTo(rule), "a ledger rejection for", "rejection") {
      @Override
      protected Rejection featureValueOf(LedgerRejection rejection) {
        return rejection.rejection();
      }
    };
  }

  private static Matcher<AccountState> anAccountThatIsFrozen(boolean frozen) {
    return new FeatureMatcher<>(
        equalTo(frozen), "an account state whose frozen flag is", "frozen") {
      @Override
      protected Boolean featureValueOf(AccountState state) {
        return state.frozen();
      }
    };
  }

  /** An event stored in the stream of the given aggregate. */
  private static Matcher<EventMessage<?>> storedUnder(String aggregateIdentifier) {
    return new FeatureMatcher<>(
        equalTo(aggregateIdentifier), "an event of aggregate", "aggregate") {
      @Override
      protected String featureValueOf(EventMessage<?> event) {
        return event instanceof DomainEventMessage<?> domainEvent
            ? domainEvent.getAggregateIdentifier()
            : null;
      }
    };
  }
}
