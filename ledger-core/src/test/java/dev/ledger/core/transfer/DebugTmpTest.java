package dev.ledger.core.transfer;

import dev.ledger.core.LedgerFixture;
import dev.ledger.core.account.AccountCommands.OpenAccount;
import dev.ledger.core.shared.*;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DebugTmpTest {
  @Test
  void debug() {
    var ledger = new LedgerFixture();
    AccountId a = AccountId.of("acme","a"), b = AccountId.of("acme","b");
    TransferId p = TransferId.of("acme","p1");
    ledger.given(new OpenAccount(a, "P", true, null), new OpenAccount(b, "P", true, null),
      new TransferCommands.PostTransfer(p, new TransferSpec(a, b, 5, "P", null, null, null, true, 60L)));
    System.out.println("sagas before " + ledger.activeExpirySagas(p));
    var passed = ledger.advanceTimeBy(java.time.Duration.ofSeconds(61));
    System.out.println("passed " + passed);
    System.out.println("sagas after " + ledger.activeExpirySagas(p));
    System.out.println("all " + ledger.allEvents());
    ledger.when(new TransferCommands.ExpirePendingTransfer(p));
    System.out.println("sagas after2 " + ledger.activeExpirySagas(p));
  }
}
