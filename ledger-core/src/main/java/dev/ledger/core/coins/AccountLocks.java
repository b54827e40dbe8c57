package dev.ledger.core.coins;

import dev.ledger.core.account.Account;
import dev.ledger.core.shared.AccountId;
import dev.ledger.core.transfer.Postings;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.axonframework.modelling.command.Aggregate;

/**
 * The accounts one coin command touches, loaded (or opened) all at once in sorted id order before
 * anything is posted. Axon locks each aggregate it loads until the unit of work ends; a command
 * that loaded {@code user:a:coins:shortfall} before {@code user:a:coins} beside one that did the
 * reverse could deadlock. Every coin command loads its own aggregate (purchase or gift) first, then
 * its accounts through this.
 */
final class AccountLocks {
  private final Postings postings;
  private final TreeMap<AccountId, Boolean> toOpen = new TreeMap<>();
  private final TreeMap<AccountId, Boolean> all = new TreeMap<>();

  AccountLocks(Postings postings) {
    this.postings = postings;
  }

  /** An account to open (of asset COINS) if it does not exist. */
  AccountLocks open(AccountId id, boolean allowNegative) {
    toOpen.put(id, allowNegative);
    all.put(id, true);
    return this;
  }

  /** An account to load only if it exists. */
  AccountLocks ifOpen(AccountId id) {
    all.putIfAbsent(id, false);
    return this;
  }

  /** Loads them in sorted order; an account that does not exist (and is not opened) is empty. */
  Map<AccountId, Optional<Aggregate<Account>>> lock() throws Exception {
    Map<AccountId, Optional<Aggregate<Account>>> loaded = new HashMap<>();
    for (AccountId id : all.keySet()) {
      if (toOpen.containsKey(id)) {
        loaded.put(id, Optional.of(postings.openIfMissing(id, Coins.ASSET, toOpen.get(id))));
      } else {
        loaded.put(id, postings.find(id));
      }
    }
    return loaded;
  }
}
