package dev.ledger.core.transfer;

import static dev.ledger.core.LedgerFixture.START;
import static dev.ledger.core.shared.Rejection.ACCOUNTS_MUST_DIFFER;
import static dev.ledger.core.shared.Rejection.ACCOUNT_FROZEN;
import static dev.ledger.core.shared.Rejection.ACCOUNT_NOT_FOUND;
import static dev.ledger.core.shared.Rejection.BALANCE_OVERFLOW;
import static dev.ledger.core.shared.Rejection.INSUFFICIENT_FUNDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.core.LedgerFixture;
import dev.ledger.core.account.AccountCommands.FreezeAccount;
import dev.ledger.core.account.AccountCommands.OpenAccount;
import dev.ledger.core.account.AccountEvents.AccountCredited;
import dev.ledger.core.account.AccountEvents.AccountDebited;
import dev.ledger.core.account.Balance;
import dev.ledger.core.account.Movement;
import dev.ledger.core.shared.AccountId;
import dev.ledger.core.shared.EventRef;
import dev.ledger.core.shared.TransferId;
import dev.ledger.core.transfer.TransferCommands.PostTransfer;
import dev.ledger.core.transfer.TransferCommands.PostTransferBatch;
import dev.ledger.core.transfer.TransferEvents.TransferPosted;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A batch of transfers is one unit of work in which each transfer stands alone: an accepted one
 * records exactly the events a single transfer would, a rejected one records nothing and does not
 * stop the others, and later transfers see the balances the earlier ones left.
 */
class TransferBatchTest {
  private static final String TENANT = "acme";
  private static final AccountId BANK = AccountId.of(TENANT, "bank:points");
  private static final AccountId ALICE = AccountId.of(TENANT, "user:alice");
  private static final AccountId BOB = AccountId.of(TENANT, "user:bob");
  private static final AccountId CAROL = AccountId.of(TENANT, "user:carol");
  private static final AccountId NOBODY = AccountId.of(TENANT, "user:nobody");

  private final LedgerFixture ledger = new LedgerFixture();

  /** Bank (which may go negative) has paid 100 to Alice; Bob and Carol have nothing. */
  @BeforeEach
  void openAccounts() {
    ledger.given(
        new OpenAccount(BANK, "POINTS", true, null),
        new OpenAccount(ALICE, "POINTS", false, null),
        new OpenAccount(BOB, "POINTS", false, null),
        new OpenAccount(CAROL, "POINTS", false, null),
        transfer("fund-alice", BANK, ALICE, 100));
  }

  @Test
  void recordsTheEventsOfEachTransferAsASingleTransferWould() {
    TransferBatchResult result =
        ledger
            .when(batch(transfer("t1", ALICE, BOB, 30), transfer("t2", BOB, CAROL, 10)))
            .expectEvents(
                new TransferPosted(TransferId.of(TENANT, "t1"), spec(ALICE, BOB, 30), START),
                new AccountDebited(ALICE, movement("t1", BOB, 30), 70),
                new AccountCredited(BOB, movement("t1", ALICE, 30), 30),
                new TransferPosted(TransferId.of(TENANT, "t2"), spec(BOB, CAROL, 10), START),
                new AccountDebited(BOB, movement("t2", CAROL, 10), 20),
                new AccountCredited(CAROL, movement("t2", BOB, 10), 10))
            .result(TransferBatchResult.class);

    assertThat(result.items()).allSatisfy(item -> assertThat(item.result().created()).isTrue());
    assertThat(result.items().get(1).result().events())
        .containsExactly(
            new EventRef(TransferId.of(TENANT, "t2").toString(), 0),
            new EventRef(BOB.toString(), 2),
            new EventRef(CAROL.toString(), 1));
    assertThat(balance(BOB)).isEqualTo(new Balance(10, 30, 0, 0));
  }

  @Test
  void aRejectedTransferChangesNothingAndTheOthersStillApply() {
    ledger.given(new FreezeAccount(CAROL, "audit"));

    TransferBatchResult result =
        ledger
            .when(
                batch(
                    transfer("t1", ALICE, BOB, 150),
                    transfer("t2", ALICE, NOBODY, 1),
                    transfer("t3", ALICE, CAROL, 1),
                    transfer("t4", ALICE, ALICE, 1),
                    transfer("t5", ALICE, BOB, 60),
                    transfer("t6", ALICE, BOB, 60)))
            .result(TransferBatchResult.class);

    assertThat(result.items())
        .extracting(item -> item.rejection() == null ? null : item.rejection().rejection())
        .containsExactly(
            INSUFFICIENT_FUNDS,
            ACCOUNT_NOT_FOUND,
            ACCOUNT_FROZEN,
            ACCOUNTS_MUST_DIFFER,
            null,
            INSUFFICIENT_FUNDS);
    assertThat(balance(ALICE)).isEqualTo(new Balance(60, 100, 0, 0));
    assertThat(balance(BOB)).isEqualTo(new Balance(0, 60, 0, 0));
    assertThat(ledger.eventsOf(TransferId.of(TENANT, "t1").toString())).isEmpty();
    assertThat(ledger.eventsOf(TransferId.of(TENANT, "t3").toString())).isEmpty();
  }

  @Test
  void aCreditThatWouldOverflowLeavesTheDebitUntouched() {
    AccountId mint = AccountId.of(TENANT, "bank:mint");
    ledger.given(
        new OpenAccount(mint, "POINTS", true, null),
        transfer("fill-bob", mint, BOB, Long.MAX_VALUE - 10));

    TransferBatchResult result =
        ledger.when(batch(transfer("t1", ALICE, BOB, 50))).result(TransferBatchResult.class);

    assertThat(result.items().get(0).rejection().rejection()).isEqualTo(BALANCE_OVERFLOW);
    assertThat(balance(ALICE)).isEqualTo(new Balance(0, 100, 0, 0));
  }

  private Balance balance(AccountId id) {
    return ledger.account(id).balance();
  }

  private static PostTransferBatch batch(PostTransfer... transfers) {
    return new PostTransferBatch(List.of(transfers));
  }

  private static PostTransfer transfer(String id, AccountId debit, AccountId credit, long amount) {
    return new PostTransfer(TransferId.of(TENANT, id), spec(debit, credit, amount));
  }

  private static TransferSpec spec(AccountId debit, AccountId credit, long amount) {
    return new TransferSpec(debit, credit, amount, "POINTS", null, null, Map.of(), false, null);
  }

  private static Movement movement(String transferId, AccountId counterparty, long amount) {
    return new Movement(transferId, counterparty.address(), amount, null, null);
  }
}
