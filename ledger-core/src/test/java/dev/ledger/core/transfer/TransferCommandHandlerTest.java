package dev.ledger.core.transfer;

import static dev.ledger.core.LedgerFixture.START;
import static dev.ledger.core.shared.Rejection.ACCOUNTS_MUST_DIFFER;
import static dev.ledger.core.shared.Rejection.ACCOUNT_FROZEN;
import static dev.ledger.core.shared.Rejection.ACCOUNT_NOT_FOUND;
import static dev.ledger.core.shared.Rejection.AMOUNT_EXCEEDS_PENDING;
import static dev.ledger.core.shared.Rejection.AMOUNT_MUST_BE_POSITIVE;
import static dev.ledger.core.shared.Rejection.ASSET_MISMATCH;
import static dev.ledger.core.shared.Rejection.BALANCE_OVERFLOW;
import static dev.ledger.core.shared.Rejection.ID_CONFLICT;
import static dev.ledger.core.shared.Rejection.INSUFFICIENT_FUNDS;
import static dev.ledger.core.shared.Rejection.INVALID_STATE;
import static dev.ledger.core.shared.Rejection.TRANSFER_NOT_FOUND;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.core.LedgerFixture;
import dev.ledger.core.account.AccountCommands.FreezeAccount;
import dev.ledger.core.account.AccountCommands.OpenAccount;
import dev.ledger.core.account.AccountEvents.AccountCreditReservationReleased;
import dev.ledger.core.account.AccountEvents.AccountCreditReserved;
import dev.ledger.core.account.AccountEvents.AccountCredited;
import dev.ledger.core.account.AccountEvents.AccountDebitReservationReleased;
import dev.ledger.core.account.AccountEvents.AccountDebitReserved;
import dev.ledger.core.account.AccountEvents.AccountDebited;
import dev.ledger.core.account.Balance;
import dev.ledger.core.account.Movement;
import dev.ledger.core.shared.AccountId;
import dev.ledger.core.shared.EventRef;
import dev.ledger.core.shared.JournalEntryId;
import dev.ledger.core.shared.TransferId;
import dev.ledger.core.transfer.TransferCommands.ExpirePendingTransfer;
import dev.ledger.core.transfer.TransferCommands.PostJournalEntry;
import dev.ledger.core.transfer.TransferCommands.PostPendingTransfer;
import dev.ledger.core.transfer.TransferCommands.PostTransfer;
import dev.ledger.core.transfer.TransferCommands.Posting;
import dev.ledger.core.transfer.TransferCommands.VoidPendingTransfer;
import dev.ledger.core.transfer.TransferEvents.JournalEntryPosted;
import dev.ledger.core.transfer.TransferEvents.PendingTransferExpired;
import dev.ledger.core.transfer.TransferEvents.PendingTransferPosted;
import dev.ledger.core.transfer.TransferEvents.PendingTransferVoided;
import dev.ledger.core.transfer.TransferEvents.TransferPending;
import dev.ledger.core.transfer.TransferEvents.TransferPosted;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every command of {@link TransferCommandHandler} either records all the events of the transfer (or
 * journal entry) and of every account it touches, or breaks one named rule and records nothing at
 * all; this class checks the exact events for each command and each rejection.
 */
class TransferCommandHandlerTest {
  private static final String TENANT = "acme";
  private static final AccountId BANK = AccountId.of(TENANT, "bank:points");
  private static final AccountId ALICE = AccountId.of(TENANT, "user:alice");
  private static final AccountId BOB = AccountId.of(TENANT, "user:bob");
  private static final AccountId CAROL_EUR = AccountId.of(TENANT, "user:carol:eur");
  private static final AccountId NOBODY = AccountId.of(TENANT, "user:nobody");

  private static final TransferId T1 = TransferId.of(TENANT, "t1");
  private static final TransferId P1 = TransferId.of(TENANT, "p1");
  private static final JournalEntryId J1 = JournalEntryId.of(TENANT, "j1");

  private final LedgerFixture ledger = new LedgerFixture();

  /** Bank (which may go negative) has paid 100 to Alice; Bob has nothing; Carol holds euros. */
  @BeforeEach
  void openAccounts() {
    ledger.given(
        new OpenAccount(BANK, "POINTS", true, null),
        new OpenAccount(ALICE, "POINTS", false, null),
        new OpenAccount(BOB, "POINTS", false, null),
        new OpenAccount(CAROL_EUR, "EUR", false, null),
        transfer("fund-alice", BANK, ALICE, 100));
  }

  // ---- PostTransfer --------------------------------------------------------------------------

  @Test
  void postsATransferFromOneAccountToAnother() {
    TransferResult result =
        ledger
            .when(transfer("t1", ALICE, BOB, 30))
            .expectEvents(
                new TransferPosted(T1, spec(ALICE, BOB, 30), START),
                new AccountDebited(ALICE, movement("t1", BOB, 30), 70),
                new AccountCredited(BOB, movement("t1", ALICE, 30), 30))
            .result(TransferResult.class);

    assertThat(result.created()).isTrue();
    assertThat(result.transfer())
        .isEqualTo(
            new TransferView(
                T1, spec(ALICE, BOB, 30), TransferStatus.POSTED, 30, START, null, START));
    assertThat(balance(ALICE)).isEqualTo(new Balance(30, 100, 0, 0));
    assertThat(balance(BOB)).isEqualTo(new Balance(0, 30, 0, 0));
  }

  @Test
  void answersWithTheLatestEventOfEveryAggregateItTouched() {
    TransferResult result =
        ledger.when(transfer("t1", ALICE, BOB, 30)).result(TransferResult.class);

    assertThat(result.events())
        .containsExactly(
            new EventRef(T1.toString(), 0),
            new EventRef(ALICE.toString(), 2),
            new EventRef(BOB.toString(), 1));
  }

  @Test
  void holdsAPendingTransferWithoutTimeoutUntilItIsPostedOrVoided() {
    TransferResult result =
        ledger
            .when(pending("p1", ALICE, BOB, 40, null))
            .expectEvents(
                new TransferPending(P1, pendingSpec(ALICE, BOB, 40, null), START, null),
                new AccountDebitReserved(ALICE, movement("p1", BOB, 40)),
                new AccountCreditReserved(BOB, movement("p1", ALICE, 40)))
            .result(TransferResult.class);

    assertThat(result.transfer().status()).isEqualTo(TransferStatus.PENDING);
    assertThat(result.transfer().postedAmount()).isZero();
    assertThat(balance(ALICE)).isEqualTo(new Balance(0, 100, 40, 0));
    assertThat(balance(ALICE).available()).isEqualTo(60);
    assertThat(balance(BOB)).isEqualTo(new Balance(0, 0, 0, 40));
    assertThat(balance(BOB).available()).isZero();
  }

  @Test
  void givesAPendingTransferWithATimeoutTheTimeItExpiresAt() {
    TransferResult result =
        ledger
            .when(pending("p1", ALICE, BOB, 40, 60L))
            .expectEvents(
                new TransferPending(
                    P1, pendingSpec(ALICE, BOB, 40, 60L), START, START.plusSeconds(60)),
                new AccountDebitReserved(ALICE, movement("p1", BOB, 40)),
                new AccountCreditReserved(BOB, movement("p1", ALICE, 40)))
            .result(TransferResult.class);

    assertThat(result.transfer().expiresAt()).isEqualTo(START.plusSeconds(60));
  }

  @Test
  void answersAnIdenticalRepeatWithoutMovingValueAgain() {
    TransferResult first = ledger.when(transfer("t1", ALICE, BOB, 30)).result(TransferResult.class);
    ledger.clock().advance(ofSeconds(5));

    TransferResult repeat =
        ledger.when(transfer("t1", ALICE, BOB, 30)).expectNoEvents().result(TransferResult.class);

    assertThat(repeat.created()).isFalse();
    assertThat(repeat.transfer()).isEqualTo(first.transfer());
    assertThat(repeat.events()).containsExactly(new EventRef(T1.toString(), 0));
    assertThat(balance(BOB).posted()).isEqualTo(30);
  }

  @Test
  void answersAnIdenticalRepeatEvenAfterAnAccountWasFrozen() {
    ledger.given(transfer("t1", ALICE, BOB, 30), new FreezeAccount(ALICE, "audit"));

    assertThat(
            ledger
                .when(transfer("t1", ALICE, BOB, 30))
                .expectNoEvents()
                .result(TransferResult.class)
                .created())
        .isFalse();
  }

  static Stream<Arguments> otherContentForT1() {
    return Stream.of(
        Arguments.of("another amount", transfer("t1", ALICE, BOB, 31)),
        Arguments.of("another credit account", transfer("t1", ALICE, BANK, 30)),
        Arguments.of("pending instead", pending("t1", ALICE, BOB, 30, null)),
        Arguments.of(
            "another reference",
            new PostTransfer(
                T1,
                new TransferSpec(
                    ALICE, BOB, 30, "POINTS", "purchase", "order-8", Map.of(), false, null))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("otherContentForT1")
  void rejectsARepeatWithOtherContentAsAnIdConflict(String difference, PostTransfer other) {
    ledger.given(transfer("t1", ALICE, BOB, 30));

    ledger.when(other).expectRejection(ID_CONFLICT);
  }

  @ParameterizedTest
  @MethodSource("nonPositiveAmounts")
  void rejectsATransferOfANonPositiveAmount(long amount) {
    ledger.when(transfer("t1", ALICE, BOB, amount)).expectRejection(AMOUNT_MUST_BE_POSITIVE);
  }

  static Stream<Long> nonPositiveAmounts() {
    return Stream.of(0L, -1L, Long.MIN_VALUE);
  }

  @Test
  void rejectsATransferFromAnAccountToItself() {
    ledger.when(transfer("t1", ALICE, ALICE, 10)).expectRejection(ACCOUNTS_MUST_DIFFER);
  }

  @Test
  void rejectsATransferFromOrToAnAccountThatDoesNotExist() {
    ledger.when(transfer("t1", NOBODY, BOB, 10)).expectRejection(ACCOUNT_NOT_FOUND);
    ledger.when(transfer("t1", ALICE, NOBODY, 10)).expectRejection(ACCOUNT_NOT_FOUND);
  }

  @Test
  void rejectsATransferInAnAssetEitherAccountDoesNotHold() {
    ledger.when(transfer("t1", ALICE, CAROL_EUR, 10)).expectRejection(ASSET_MISMATCH);
    ledger.when(transfer("t1", CAROL_EUR, ALICE, 10)).expectRejection(ASSET_MISMATCH);
    ledger
        .when(
            new PostTransfer(
                T1, new TransferSpec(ALICE, BOB, 10, "EUR", null, null, null, false, null)))
        .expectRejection(ASSET_MISMATCH);
  }

  @Test
  void rejectsATransferOutOfOrIntoAFrozenAccount() {
    ledger.given(new FreezeAccount(BOB, "audit"));

    ledger.when(transfer("t1", ALICE, BOB, 10)).expectRejection(ACCOUNT_FROZEN);
    ledger.when(transfer("t1", BOB, ALICE, 10)).expectRejection(ACCOUNT_FROZEN);
    ledger.when(pending("t1", ALICE, BOB, 10, null)).expectRejection(ACCOUNT_FROZEN);
  }

  @ParameterizedTest
  @MethodSource("bothSides")
  void aFrozenAccountOnEitherSideTakesPrecedenceOverInsufficientFunds(AccountId frozen) {
    ledger.given(new FreezeAccount(frozen, "audit"));

    ledger.when(transfer("t1", ALICE, BOB, 1_000)).expectRejection(ACCOUNT_FROZEN);
  }

  static Stream<AccountId> bothSides() {
    return Stream.of(ALICE, BOB);
  }

  @Test
  void checksItsRulesInTheirOrderOfPrecedence() {
    ledger.given(new FreezeAccount(CAROL_EUR, "audit"));

    ledger.when(transfer("t1", NOBODY, NOBODY, 0)).expectRejection(AMOUNT_MUST_BE_POSITIVE);
    ledger.when(transfer("t1", NOBODY, NOBODY, 10)).expectRejection(ACCOUNTS_MUST_DIFFER);
    ledger.when(transfer("t1", NOBODY, CAROL_EUR, 10)).expectRejection(ACCOUNT_NOT_FOUND);
    ledger.when(transfer("t1", ALICE, CAROL_EUR, 1_000)).expectRejection(ASSET_MISMATCH);
  }

  @Test
  void rejectsADebitThatWouldOverdrawAndRecordsNothingAtAll() {
    ledger.when(transfer("t1", ALICE, BOB, 101)).expectRejection(INSUFFICIENT_FUNDS);

    assertThat(ledger.eventsOf(T1)).as("the transfer was not created").isEmpty();
    assertThat(balance(ALICE)).isEqualTo(new Balance(0, 100, 0, 0));
    assertThat(balance(BOB)).isEqualTo(Balance.ZERO);
    // The id is still free: the rejected command left no trace of it.
    assertThat(ledger.when(transfer("t1", ALICE, BOB, 100)).result(TransferResult.class).created())
        .isTrue();
  }

  @Test
  void countsHeldAmountsAsNoLongerAvailable() {
    ledger.given(pending("p1", ALICE, BOB, 80, null));

    ledger.when(transfer("t1", ALICE, BOB, 21)).expectRejection(INSUFFICIENT_FUNDS);
    ledger.when(pending("p2", ALICE, BOB, 21, null)).expectRejection(INSUFFICIENT_FUNDS);
    ledger
        .when(transfer("t1", ALICE, BOB, 20))
        .expectEvents(
            new TransferPosted(T1, spec(ALICE, BOB, 20), START),
            new AccountDebited(ALICE, movement("t1", BOB, 20), 80),
            new AccountCredited(BOB, movement("t1", ALICE, 20), 20));
  }

  @Test
  void doesNotLetAPendingCreditBeSpentBeforeItIsPosted() {
    ledger.given(pending("p1", ALICE, BOB, 50, null));

    ledger.when(transfer("t1", BOB, ALICE, 1)).expectRejection(INSUFFICIENT_FUNDS);
  }

  @Test
  void letsAnAccountThatAllowsNegativeBalancesGoBelowZero() {
    ledger
        .when(transfer("t1", BANK, BOB, 50))
        .expectEvents(
            new TransferPosted(T1, spec(BANK, BOB, 50), START),
            new AccountDebited(BANK, movement("t1", BOB, 50), -150),
            new AccountCredited(BOB, movement("t1", BANK, 50), 50));

    assertThat(balance(BANK).available()).isEqualTo(-150);
  }

  @Test
  void rejectsACreditThatWouldOverflowSixtyFourBits() {
    AccountId mint = AccountId.of(TENANT, "mint");
    AccountId mint2 = AccountId.of(TENANT, "mint2");
    AccountId vault = AccountId.of(TENANT, "vault");
    ledger.given(
        new OpenAccount(mint, "POINTS", true, null),
        new OpenAccount(mint2, "POINTS", true, null),
        new OpenAccount(vault, "POINTS", false, null),
        transfer("max", mint, vault, Long.MAX_VALUE));

    ledger.when(transfer("t1", mint2, vault, 1)).expectRejection(BALANCE_OVERFLOW);

    assertThat(balance(mint2))
        .as("the debit before the failed credit was rolled back")
        .isEqualTo(Balance.ZERO);
    assertThat(balance(vault).posted()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void rejectsADebitThatWouldOverflowSixtyFourBits() {
    AccountId mint = AccountId.of(TENANT, "mint");
    AccountId vault = AccountId.of(TENANT, "vault");
    ledger.given(
        new OpenAccount(mint, "POINTS", true, null),
        new OpenAccount(vault, "POINTS", false, null),
        transfer("max", mint, vault, Long.MAX_VALUE));

    ledger.when(transfer("t1", mint, BOB, 1)).expectRejection(BALANCE_OVERFLOW);
    ledger.when(pending("t1", mint, BOB, 2, null)).expectRejection(BALANCE_OVERFLOW);
    assertThat(balance(mint).posted()).isEqualTo(-Long.MAX_VALUE);
  }

  // ---- PostPendingTransfer -------------------------------------------------------------------

  @Test
  void postsAPendingTransferInFull() {
    ledger.given(pending("p1", ALICE, BOB, 40, null));
    ledger.clock().advance(ofSeconds(5));
    Instant now = START.plusSeconds(5);

    TransferResult result =
        ledger
            .when(new PostPendingTransfer(P1, null))
            .expectEvents(
                new PendingTransferPosted(P1, 40, now),
                new AccountDebitReservationReleased(ALICE, "p1", 40),
                new AccountCreditReservationReleased(BOB, "p1", 40),
                new AccountDebited(ALICE, movement("p1", BOB, 40), 60),
                new AccountCredited(BOB, movement("p1", ALICE, 40), 40))
            .result(TransferResult.class);

    assertThat(result.created()).isFalse();
    assertThat(result.transfer())
        .isEqualTo(
            new TransferView(
                P1,
                pendingSpec(ALICE, BOB, 40, null),
                TransferStatus.POSTED,
                40,
                START,
                null,
                now));
    assertThat(balance(ALICE)).isEqualTo(new Balance(40, 100, 0, 0));
    assertThat(balance(BOB)).isEqualTo(new Balance(0, 40, 0, 0));
  }

  @Test
  void postsPartOfAPendingTransferAndReleasesTheRest() {
    ledger.given(pending("p1", ALICE, BOB, 40, null));

    TransferResult result =
        ledger
            .when(new PostPendingTransfer(P1, 25L))
            .expectEvents(
                new PendingTransferPosted(P1, 25, START),
                new AccountDebitReservationReleased(ALICE, "p1", 40),
                new AccountCreditReservationReleased(BOB, "p1", 40),
                new AccountDebited(ALICE, movement("p1", BOB, 25), 75),
                new AccountCredited(BOB, movement("p1", ALICE, 25), 25))
            .result(TransferResult.class);

    assertThat(result.transfer().postedAmount()).isEqualTo(25);
    assertThat(balance(ALICE)).isEqualTo(new Balance(25, 100, 0, 0));
    assertThat(balance(ALICE).available()).isEqualTo(75);
    assertThat(balance(BOB)).isEqualTo(new Balance(0, 25, 0, 0));
  }

  @Test
  void rejectsPostingMoreThanIsPending() {
    ledger.given(pending("p1", ALICE, BOB, 40, null));

    ledger.when(new PostPendingTransfer(P1, 41L)).expectRejection(AMOUNT_EXCEEDS_PENDING);
  }

  @Test
  void rejectsPostingANonPositiveAmountOfAPendingTransfer() {
    ledger.given(pending("p1", ALICE, BOB, 40, null));

    ledger.when(new PostPendingTransfer(P1, 0L)).expectRejection(AMOUNT_MUST_BE_POSITIVE);
    ledger.when(new PostPendingTransfer(P1, -5L)).expectRejection(AMOUNT_MUST_BE_POSITIVE);
  }

  @Test
  void rejectsPostingAPendingTransferOutOfAFrozenAccount() {
    ledger.given(pending("p1", ALICE, BOB, 40, null), new FreezeAccount(ALICE, "audit"));

    ledger.when(new PostPendingTransfer(P1, null)).expectRejection(ACCOUNT_FROZEN);
    assertThat(balance(ALICE))
        .as("the hold is still in place")
        .isEqualTo(new Balance(0, 100, 40, 0));
  }

  /** Ways a transfer p1 stops being pending. */
  static Stream<Arguments> noLongerPending() {
    return Stream.of(
        Arguments.of(
            "voided", List.of(pending("p1", ALICE, BOB, 40, null), new VoidPendingTransfer(P1))),
        Arguments.of(
            "posted",
            List.of(pending("p1", ALICE, BOB, 40, null), new PostPendingTransfer(P1, 10L))),
        Arguments.of(
            "expired", List.of(pending("p1", ALICE, BOB, 40, 60L), new ExpirePendingTransfer(P1))),
        Arguments.of("posted at once", List.of(transfer("p1", ALICE, BOB, 40))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("noLongerPending")
  void rejectsPostingATransferThatIsNoLongerPending(String how, List<Object> history) {
    ledger.given(history.toArray());

    ledger.when(new PostPendingTransfer(P1, null)).expectRejection(INVALID_STATE);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("noLongerPending")
  void rejectsVoidingATransferThatIsNoLongerPending(String how, List<Object> history) {
    ledger.given(history.toArray());

    ledger.when(new VoidPendingTransfer(P1)).expectRejection(INVALID_STATE);
  }

  @Test
  void neverExpiresAPendingTransferThatWasGivenNoTimeout() {
    ledger.given(pending("p1", ALICE, BOB, 40, null));

    ledger.when(new ExpirePendingTransfer(P1)).expectEvents();
    assertThat(balance(ALICE)).as("the hold stays").isEqualTo(new Balance(0, 100, 40, 0));
  }

  @Test
  void postsAPendingTransferUpToTheMomentBeforeItsTimeout() {
    ledger.given(pending("p1", ALICE, BOB, 40, 60L));
    ledger.clock().advance(ofSeconds(60).minusNanos(1));

    assertThat(ledger.when(new PostPendingTransfer(P1, null)).events()).hasSize(5);
  }

  @Test
  void rejectsPostingOrVoidingOnceTheTimeoutHasPassedEvenBeforeTheTransferExpired() {
    ledger.given(pending("p1", ALICE, BOB, 40, 60L));
    // Time passes but no deadline fires, as when the deadline manager is late.
    ledger.clock().advance(ofSeconds(60));

    ledger.when(new PostPendingTransfer(P1, null)).expectRejection(INVALID_STATE);
    ledger.when(new VoidPendingTransfer(P1)).expectRejection(INVALID_STATE);
  }

  @Test
  void rejectsPostingOrVoidingATransferThatDoesNotExist() {
    ledger.when(new PostPendingTransfer(P1, null)).expectRejection(TRANSFER_NOT_FOUND);
    ledger.when(new VoidPendingTransfer(P1)).expectRejection(TRANSFER_NOT_FOUND);
  }

  // ---- VoidPendingTransfer -------------------------------------------------------------------

  @Test
  void voidsAPendingTransferAndReleasesItsHold() {
    ledger.given(pending("p1", ALICE, BOB, 40, 60L));
    ledger.clock().advance(ofSeconds(10));

    TransferResult result =
        ledger
            .when(new VoidPendingTransfer(P1))
            .expectEvents(
                new PendingTransferVoided(P1, START.plusSeconds(10)),
                new AccountDebitReservationReleased(ALICE, "p1", 40),
                new AccountCreditReservationReleased(BOB, "p1", 40))
            .result(TransferResult.class);

    assertThat(result.transfer().status()).isEqualTo(TransferStatus.VOIDED);
    assertThat(result.transfer().postedAmount()).isZero();
    assertThat(balance(ALICE)).isEqualTo(new Balance(0, 100, 0, 0));
    assertThat(balance(BOB)).isEqualTo(Balance.ZERO);
  }

  @Test
  void voidsAPendingTransferEvenWhenAnAccountIsFrozen() {
    ledger.given(pending("p1", ALICE, BOB, 40, null), new FreezeAccount(ALICE, "audit"));

    ledger
        .when(new VoidPendingTransfer(P1))
        .expectEvents(
            new PendingTransferVoided(P1, START),
            new AccountDebitReservationReleased(ALICE, "p1", 40),
            new AccountCreditReservationReleased(BOB, "p1", 40));
  }

  // ---- ExpirePendingTransfer -----------------------------------------------------------------

  @Test
  void expiresAPendingTransferAndReleasesItsHold() {
    ledger.given(pending("p1", ALICE, BOB, 40, 60L));
    ledger.clock().advance(ofSeconds(60));

    TransferResult result =
        ledger
            .when(new ExpirePendingTransfer(P1))
            .expectEvents(
                new PendingTransferExpired(P1, START.plusSeconds(60)),
                new AccountDebitReservationReleased(ALICE, "p1", 40),
                new AccountCreditReservationReleased(BOB, "p1", 40))
            .result(TransferResult.class);

    assertThat(result.transfer().status()).isEqualTo(TransferStatus.EXPIRED);
    assertThat(result.transfer().closedAt()).isEqualTo(START.plusSeconds(60));
    assertThat(balance(ALICE)).isEqualTo(new Balance(0, 100, 0, 0));
    assertThat(balance(BOB)).isEqualTo(Balance.ZERO);
  }

  @Test
  void leavesATransferThatIsNoLongerPendingAsItIsWhenAskedToExpireIt() {
    ledger.given(
        transfer("t1", ALICE, BOB, 30),
        pending("p1", ALICE, BOB, 40, null),
        new VoidPendingTransfer(P1));

    TransferResult posted =
        ledger.when(new ExpirePendingTransfer(T1)).expectNoEvents().result(TransferResult.class);
    TransferResult voided =
        ledger.when(new ExpirePendingTransfer(P1)).expectNoEvents().result(TransferResult.class);

    assertThat(posted.transfer().status()).isEqualTo(TransferStatus.POSTED);
    assertThat(posted.created()).isFalse();
    assertThat(voided.transfer().status()).isEqualTo(TransferStatus.VOIDED);
  }

  @Test
  void rejectsExpiringATransferThatDoesNotExist() {
    ledger.when(new ExpirePendingTransfer(P1)).expectRejection(TRANSFER_NOT_FOUND);
  }

  // ---- PostJournalEntry ----------------------------------------------------------------------

  @Test
  void appliesEveryPostingOfAJournalEntryInOrder() {
    List<Posting> postings = List.of(posting(BANK, ALICE, 10), posting(ALICE, BOB, 5));

    JournalEntryResult result =
        ledger
            .when(entry("j1", postings))
            .expectEvents(
                new JournalEntryPosted(J1, postings, "payroll", "run-1", Map.of(), START),
                new AccountDebited(BANK, entryMovement(ALICE, 10), -110),
                new AccountCredited(ALICE, entryMovement(BANK, 10), 110),
                new AccountDebited(ALICE, entryMovement(BOB, 5), 105),
                new AccountCredited(BOB, entryMovement(ALICE, 5), 5))
            .result(JournalEntryResult.class);

    assertThat(result.created()).isTrue();
    assertThat(result.entry())
        .isEqualTo(new JournalEntryPosted(J1, postings, "payroll", "run-1", Map.of(), START));
    assertThat(result.events())
        .containsExactly(
            new EventRef(J1.toString(), 0),
            new EventRef(BANK.toString(), 2),
            new EventRef(ALICE.toString(), 3),
            new EventRef(BOB.toString(), 1));
  }

  @Test
  void letsALaterPostingSpendWhatAnEarlierOneCreditedToTheSameAccount() {
    List<Posting> postings = List.of(posting(BANK, ALICE, 50), posting(ALICE, BOB, 150));

    ledger
        .when(entry("j1", postings))
        .expectEvents(
            new JournalEntryPosted(J1, postings, "payroll", "run-1", Map.of(), START),
            new AccountDebited(BANK, entryMovement(ALICE, 50), -150),
            new AccountCredited(ALICE, entryMovement(BANK, 50), 150),
            new AccountDebited(ALICE, entryMovement(BOB, 150), 0),
            new AccountCredited(BOB, entryMovement(ALICE, 150), 150));
  }

  @Test
  void recordsNothingOfAnEntryWhenOnePostingFails() {
    ledger
        .when(entry("j1", List.of(posting(BANK, BOB, 10), posting(ALICE, BOB, 101))))
        .expectRejection(INSUFFICIENT_FUNDS);

    assertThat(ledger.eventsOf(J1)).isEmpty();
    assertThat(balance(BOB)).isEqualTo(Balance.ZERO);
    assertThat(
            ledger
                .when(entry("j1", List.of(posting(BANK, BOB, 10))))
                .result(JournalEntryResult.class)
                .created())
        .isTrue();
  }

  @Test
  void answersAnIdenticalRepeatOfAJournalEntryWithoutMovingValueAgain() {
    List<Posting> postings = List.of(posting(BANK, ALICE, 10));
    ledger.given(entry("j1", postings));
    ledger.clock().advance(ofSeconds(5));

    JournalEntryResult repeat =
        ledger.when(entry("j1", postings)).expectNoEvents().result(JournalEntryResult.class);

    assertThat(repeat.created()).isFalse();
    assertThat(repeat.entry())
        .isEqualTo(new JournalEntryPosted(J1, postings, "payroll", "run-1", Map.of(), START));
    assertThat(repeat.events()).containsExactly(new EventRef(J1.toString(), 0));
    assertThat(balance(ALICE).posted()).isEqualTo(110);
  }

  @Test
  void rejectsARepeatOfAJournalEntryWithOtherContentAsAnIdConflict() {
    ledger.given(entry("j1", List.of(posting(BANK, ALICE, 10))));

    ledger.when(entry("j1", List.of(posting(BANK, ALICE, 11)))).expectRejection(ID_CONFLICT);
    ledger
        .when(new PostJournalEntry(J1, List.of(posting(BANK, ALICE, 10)), "bonus", "run-1", null))
        .expectRejection(ID_CONFLICT);
    ledger
        .when(
            new PostJournalEntry(
                J1, List.of(posting(BANK, ALICE, 10)), "payroll", "run-1", Map.of("k", "v")))
        .expectRejection(ID_CONFLICT);
  }

  @Test
  void rejectsAJournalEntryThatBreaksARuleOfAnyOfItsPostings() {
    Posting fine = posting(BANK, BOB, 1);

    ledger
        .when(entry("j1", List.of(fine, posting(ALICE, BOB, 0))))
        .expectRejection(AMOUNT_MUST_BE_POSITIVE);
    ledger
        .when(entry("j1", List.of(fine, posting(ALICE, ALICE, 5))))
        .expectRejection(ACCOUNTS_MUST_DIFFER);
    ledger
        .when(entry("j1", List.of(fine, posting(ALICE, NOBODY, 5))))
        .expectRejection(ACCOUNT_NOT_FOUND);
    ledger
        .when(entry("j1", List.of(fine, posting(ALICE, CAROL_EUR, 5))))
        .expectRejection(ASSET_MISMATCH);
    ledger
        .when(entry("j1", List.of(fine, new Posting(ALICE.address(), BOB.address(), 5, "EUR"))))
        .expectRejection(ASSET_MISMATCH);
  }

  @Test
  void rejectsAJournalEntryTouchingAFrozenAccountBeforeCheckingFunds() {
    ledger.given(new FreezeAccount(BOB, "audit"));

    ledger.when(entry("j1", List.of(posting(ALICE, BOB, 5)))).expectRejection(ACCOUNT_FROZEN);
    ledger
        .when(entry("j1", List.of(posting(BANK, ALICE, 5), posting(BOB, ALICE, 1_000))))
        .expectRejection(ACCOUNT_FROZEN);
  }

  // ---- helpers -------------------------------------------------------------------------------

  private Balance balance(AccountId id) {
    return ledger.account(id).balance();
  }

  static TransferSpec spec(AccountId from, AccountId to, long amount) {
    return new TransferSpec(
        from, to, amount, "POINTS", "purchase", "order-7", Map.of(), false, null);
  }

  static TransferSpec pendingSpec(AccountId from, AccountId to, long amount, Long timeoutSeconds) {
    return new TransferSpec(
        from, to, amount, "POINTS", "purchase", "order-7", Map.of(), true, timeoutSeconds);
  }

  static PostTransfer transfer(String id, AccountId from, AccountId to, long amount) {
    return new PostTransfer(TransferId.of(TENANT, id), spec(from, to, amount));
  }

  static PostTransfer pending(
      String id, AccountId from, AccountId to, long amount, Long timeoutSeconds) {
    return new PostTransfer(
        TransferId.of(TENANT, id), pendingSpec(from, to, amount, timeoutSeconds));
  }

  static Movement movement(String transferId, AccountId counterparty, long amount) {
    return new Movement(transferId, counterparty.address(), amount, "purchase", "order-7");
  }

  static Posting posting(AccountId from, AccountId to, long amount) {
    return new Posting(from.address(), to.address(), amount, "POINTS");
  }

  static PostJournalEntry entry(String id, List<Posting> postings) {
    return new PostJournalEntry(JournalEntryId.of(TENANT, id), postings, "payroll", "run-1", null);
  }

  static Movement entryMovement(AccountId counterparty, long amount) {
    return new Movement("j1", counterparty.address(), amount, "payroll", "run-1");
  }
}
