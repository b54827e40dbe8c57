package dev.ledger.core.account;

import static dev.ledger.core.LedgerFixture.START;
import static dev.ledger.core.shared.Rejection.ACCOUNT_NOT_FOUND;
import static dev.ledger.core.shared.Rejection.ID_CONFLICT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.core.LedgerFixture;
import dev.ledger.core.account.AccountCommands.FreezeAccount;
import dev.ledger.core.account.AccountCommands.OpenAccount;
import dev.ledger.core.account.AccountCommands.UnfreezeAccount;
import dev.ledger.core.account.AccountEvents.AccountFrozen;
import dev.ledger.core.account.AccountEvents.AccountOpened;
import dev.ledger.core.account.AccountEvents.AccountUnfrozen;
import dev.ledger.core.shared.AccountId;
import dev.ledger.core.shared.EventRef;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An account is opened once (an identical repeat is answered, a different one is a conflict), and
 * freezing or unfreezing it records a change only when there is one.
 *
 * <p>The account commands run through {@link LedgerFixture}, Axon's real command bus and
 * event-sourcing repository: {@code AggregateTestFixture} cannot run in this module, whose test
 * classpath lacks Hamcrest.
 */
class AccountTest {
  private static final AccountId ALICE = AccountId.of("acme", "user:alice:points");
  private static final Map<String, String> OWNER = Map.of("owner", "alice");
  private static final OpenAccount OPEN_ALICE = new OpenAccount(ALICE, "POINTS", false, OWNER);

  private final LedgerFixture ledger = new LedgerFixture();

  @Test
  void opensAnAccountWithAZeroBalance() {
    AccountState state =
        ledger
            .when(OPEN_ALICE)
            .expectEvents(new AccountOpened(ALICE, "POINTS", false, OWNER, START))
            .result(AccountState.class);

    assertThat(state)
        .isEqualTo(
            new AccountState(
                ALICE, "POINTS", false, false, OWNER, Balance.ZERO, START, true, new EventRef(ALICE.toString(), 0)));
  }

  @Test
  void storesTheAccountUnderItsTenantAndAddress() {
    ledger.when(OPEN_ALICE);

    assertThat(ledger.eventsOf("acme/account/user:alice:points")).hasSize(1);
  }

  @Test
  void answersAnIdenticalRepeatWithTheAccountAsItIs() {
    ledger.given(OPEN_ALICE, new FreezeAccount(ALICE, "audit"));
    ledger.clock().advance(java.time.Duration.ofDays(1));

    AccountState state = ledger.when(OPEN_ALICE).expectNoEvents().result(AccountState.class);

    assertThat(state.created()).isFalse();
    assertThat(state.frozen()).isTrue();
    assertThat(state.openedAt()).isEqualTo(START);
    assertThat(state.lastEvent()).isEqualTo(new EventRef(ALICE.toString(), 1));
  }

  static Stream<OpenAccount> differentContent() {
    return Stream.of(
        new OpenAccount(ALICE, "EUR", false, OWNER),
        new OpenAccount(ALICE, "POINTS", true, OWNER),
        new OpenAccount(ALICE, "POINTS", false, Map.of("owner", "bob")),
        new OpenAccount(ALICE, "POINTS", false, null));
  }

  @ParameterizedTest
  @MethodSource("differentContent")
  void rejectsARepeatWithOtherContentAsAnIdConflict(OpenAccount different) {
    ledger.given(OPEN_ALICE);

    ledger.when(different).expectRejection(ID_CONFLICT);
  }

  @Test
  void freezesAnOpenAccount() {
    ledger.given(OPEN_ALICE);

    AccountState state =
        ledger
            .when(new FreezeAccount(ALICE, "suspected fraud"))
            .expectEvents(new AccountFrozen(ALICE, "suspected fraud"))
            .result(AccountState.class);

    assertThat(state.frozen()).isTrue();
    assertThat(ledger.account(ALICE).isFrozen()).isTrue();
  }

  @Test
  void freezingAFrozenAccountChangesNothing() {
    ledger.given(OPEN_ALICE, new FreezeAccount(ALICE, "first"));

    AccountState state = ledger.when(new FreezeAccount(ALICE, "second")).expectNoEvents().result(AccountState.class);

    assertThat(state.frozen()).isTrue();
  }

  @Test
  void unfreezesAFrozenAccount() {
    ledger.given(OPEN_ALICE, new FreezeAccount(ALICE, "audit"));

    AccountState state =
        ledger.when(new UnfreezeAccount(ALICE)).expectEvents(new AccountUnfrozen(ALICE)).result(AccountState.class);

    assertThat(state.frozen()).isFalse();
    assertThat(ledger.account(ALICE).isFrozen()).isFalse();
  }

  @Test
  void unfreezingAnAccountThatIsNotFrozenChangesNothing() {
    ledger.given(OPEN_ALICE);

    AccountState state = ledger.when(new UnfreezeAccount(ALICE)).expectNoEvents().result(AccountState.class);

    assertThat(state.frozen()).isFalse();
  }

  @Test
  void rejectsFreezingAnAccountThatDoesNotExist() {
    ledger.when(new FreezeAccount(ALICE, "audit")).expectRejection(ACCOUNT_NOT_FOUND);
  }

  @Test
  void rejectsUnfreezingAnAccountThatDoesNotExist() {
    ledger.when(new UnfreezeAccount(ALICE)).expectRejection(ACCOUNT_NOT_FOUND);
  }

  @Test
  void anAccountOfAnotherTenantIsAnotherAccount() {
    ledger.given(OPEN_ALICE);

    ledger.when(new FreezeAccount(AccountId.of("globex", ALICE.address()), "audit")).expectRejection(ACCOUNT_NOT_FOUND);
  }
}
