package dev.ledger.api.ledger;

import dev.ledger.core.account.AccountState;
import dev.ledger.core.account.Balance;
import dev.ledger.core.transfer.TransferEvents.JournalEntryPosted;
import dev.ledger.core.transfer.TransferView;
import dev.ledger.projections.ledger.AccountRow;
import dev.ledger.projections.ledger.EntryRow;
import dev.ledger.projections.ledger.JournalEntryRow;
import dev.ledger.projections.ledger.TransferRow;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of API.md, built in one place so that commands and reads answer alike. */
final class Views {
  private Views() {}

  static Map<String, Object> account(AccountState state, long position) {
    return account(
        state.accountId().address(),
        state.asset(),
        state.allowNegative(),
        state.frozen(),
        state.metadata(),
        state.balance(),
        state.openedAt(),
        position);
  }

  static Map<String, Object> account(AccountRow row, long position) {
    return account(
        row.address(),
        row.asset(),
        row.allowNegative(),
        row.frozen(),
        row.metadata(),
        new Balance(
            row.debitsPosted(), row.creditsPosted(), row.debitsPending(), row.creditsPending()),
        row.createdAt(),
        position);
  }

  private static Map<String, Object> account(
      String id,
      String asset,
      boolean allowNegative,
      boolean frozen,
      Map<String, String> metadata,
      Balance balance,
      Instant createdAt,
      long position) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", id);
    view.put("asset", asset);
    view.put("flags", Map.of("allowNegative", allowNegative, "frozen", frozen));
    view.put("metadata", metadata);
    view.put("balance", balance(balance));
    view.put("createdAt", time(createdAt));
    view.put("position", position);
    return view;
  }

  static Map<String, Object> balance(Balance balance) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("posted", balance.posted());
    view.put("pendingDebits", balance.debitsPending());
    view.put("pendingCredits", balance.creditsPending());
    view.put("available", balance.available());
    return view;
  }

  static Map<String, Object> entry(EntryRow row) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("position", row.position());
    view.put("transferId", row.transferId());
    view.put("counterparty", row.counterparty());
    view.put("amount", row.amount());
    view.put("balanceAfter", row.balanceAfter());
    view.put("code", row.code());
    view.put("reference", row.reference());
    view.put("timestamp", time(row.timestamp()));
    return view;
  }

  static Map<String, Object> transfer(TransferView t, long position) {
    var spec = t.spec();
    return transfer(
        t.transferId().id(),
        spec.debitAccount().address(),
        spec.creditAccount().address(),
        spec.amount(),
        t.postedAmount(),
        spec.asset(),
        t.status().name(),
        spec.code(),
        spec.reference(),
        spec.metadata(),
        spec.pending(),
        spec.timeoutSeconds(),
        t.createdAt(),
        t.expiresAt(),
        t.closedAt(),
        position);
  }

  static Map<String, Object> transfer(TransferRow t, long position) {
    return transfer(
        t.id(),
        t.debitAccount(),
        t.creditAccount(),
        t.amount(),
        t.postedAmount(),
        t.asset(),
        t.status(),
        t.code(),
        t.reference(),
        t.metadata(),
        t.pending(),
        t.timeoutSeconds(),
        t.createdAt(),
        t.expiresAt(),
        t.closedAt(),
        position);
  }

  private static Map<String, Object> transfer(
      String id,
      String debit,
      String credit,
      long amount,
      long postedAmount,
      String asset,
      String status,
      String code,
      String reference,
      Map<String, String> metadata,
      boolean pending,
      Long timeoutSeconds,
      Instant createdAt,
      Instant expiresAt,
      Instant closedAt,
      long position) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", id);
    view.put("status", status);
    view.put("debitAccount", debit);
    view.put("creditAccount", credit);
    view.put("amount", amount);
    view.put("postedAmount", postedAmount);
    view.put("asset", asset);
    view.put("code", code);
    view.put("reference", reference);
    view.put("metadata", metadata);
    view.put("pending", pending);
    view.put("timeoutSeconds", timeoutSeconds);
    view.put("createdAt", time(createdAt));
    view.put("expiresAt", time(expiresAt));
    view.put("closedAt", time(closedAt));
    view.put("position", position);
    return view;
  }

  static Map<String, Object> journalEntry(JournalEntryPosted e, long position) {
    return journalEntry(
        e.entryId().id(),
        e.postings(),
        e.code(),
        e.reference(),
        e.metadata(),
        e.postedAt(),
        position);
  }

  static Map<String, Object> journalEntry(JournalEntryRow e, long position) {
    return journalEntry(
        e.id(), e.postings(), e.code(), e.reference(), e.metadata(), e.postedAt(), position);
  }

  private static Map<String, Object> journalEntry(
      String id,
      List<dev.ledger.core.transfer.TransferCommands.Posting> postings,
      String code,
      String reference,
      Map<String, String> metadata,
      Instant postedAt,
      long position) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", id);
    view.put("status", "POSTED");
    view.put(
        "postings",
        postings.stream()
            .map(
                p ->
                    Map.<String, Object>of(
                        "debitAccount",
                        p.debitAccount(),
                        "creditAccount",
                        p.creditAccount(),
                        "amount",
                        p.amount(),
                        "asset",
                        p.asset()))
            .toList());
    view.put("code", code);
    view.put("reference", reference);
    view.put("metadata", metadata);
    view.put("postedAt", time(postedAt));
    view.put("position", position);
    return view;
  }

  static Map<String, Object> page(List<?> data, String nextCursor, long position) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("data", data);
    view.put("nextCursor", nextCursor);
    view.put("position", position);
    return view;
  }

  static String time(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
