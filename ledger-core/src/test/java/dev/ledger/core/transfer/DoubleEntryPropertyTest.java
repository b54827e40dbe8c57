package dev.ledger.core.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.core.LedgerFixture;
import dev.ledger.core.LedgerFixture.Outcome;
import dev.ledger.core.LedgerFixture.TimePassed;
import dev.ledger.core.account.Account;
import dev.ledger.core.account.AccountCommands.FreezeAccount;
import dev.ledger.core.account.AccountCommands.OpenAccount;
import dev.ledger.core.account.AccountCommands.UnfreezeAccount;
import dev.ledger.core.account.AccountEvents.AccountCreditReservationReleased;
import dev.ledger.core.account.AccountEvents.AccountCreditReserved;
import dev.ledger.core.account.AccountEvents.AccountCredited;
import dev.ledger.core.account.AccountEvents.AccountDebitReservationReleased;
import dev.ledger.core.account.AccountEvents.AccountDebitReserved;
import dev.ledger.core.account.AccountEvents.AccountDebited;
import dev.ledger.core.account.AccountEvents.AccountEvent;
import dev.ledger.core.account.AccountState;
import dev.ledger.core.account.Balance;
import dev.ledger.core.shared.AccountId;
import dev.ledger.core.shared.EventRef;
import dev.ledger.core.shared.JournalEntryId;
import dev.ledger.core.shared.LedgerRejection;
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
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whatever commands arrive, in whatever order, the ledger stays double-entry: for each asset the
 * posted balances of all accounts sum to zero and so do the holds, no account that forbids negative
 * balances ever has less than zero available, an accepted command's events are all stored, and a
 * rejected one leaves none.
 *
 * <p>Each of {@value #FIXED_SEED_COUNT} fixed seeds draws, with {@link Random}, a history of 10 to
 * 40 commands and pauses. A failure names its seed and step; {@code -D}{@value #SEED_PROPERTY}
 * {@code =<seed>} adds that seed to the run, to replay a failure or try a new history. Across the
 * fixed seeds every kind of command must be both accepted and rejected, or the test proves little.
 */
class DoubleEntryPropertyTest {
  static final int FIXED_SEED_COUNT = 50;
  static final String SEED_PROPERTY = "ledger.test.seed";
  private static final int HISTORY_LENGTH_MIN = 10;
  private static final int HISTORY_LENGTH_MAX = 40;

  private static final String TENANT = "acme";
  private static final Map<AccountId, OpenAccount> ACCOUNTS = new LinkedHashMap<>();

  static {
    for (OpenAccount open :
        List.of(
            open("bank", "POINTS", true),
            open("fees", "POINTS", true),
            open("user:a", "POINTS", false),
            open("user:b", "POINTS", false),
            open("user:c", "POINTS", false),
            open("bank:eur", "EUR", true),
            open("user:a:eur", "EUR", false))) {
      ACCOUNTS.put(open.accountId(), open);
    }
  }

  private static final List<String> COMMANDS =
      List.of(
          "PostTransfer",
          "PostPendingTransfer",
          "VoidPendingTransfer",
          "ExpirePendingTransfer",
          "PostJournalEntry");

  /** Every account that may not go negative starts with 150 from its asset's bank. */
  private static final List<PostTransfer> FUNDING =
      ACCOUNTS.values().stream()
          .filter(open -> !open.allowNegative())
          .map(
              open ->
                  new PostTransfer(
                      TransferId.of(TENANT, "fund-" + open.accountId().address().replace(':', '-')),
                      new TransferSpec(
                          bankOf(open.asset()),
                          open.accountId(),
                          150,
                          open.asset(),
                          null,
                          null,
                          null,
                          false,
                          null)))
          .toList();

  /**
   * How often each kind of command was answered each way, and how many deadlines fired, over every
   * seed of this run.
   */
  private static final Map<String, Integer> ANSWERS = new ConcurrentHashMap<>();

  private static final String DEADLINES_FIRED = "deadlines fired";

  private static final Set<Long> FIXED_SEEDS_COMPLETED = ConcurrentHashMap.newKeySet();

  /** Seeds 1 to {@value #FIXED_SEED_COUNT}, and the one named by {@value #SEED_PROPERTY} if set. */
  static LongStream seeds() {
    LongStream fixed = LongStream.rangeClosed(1, FIXED_SEED_COUNT);
    String chosen = System.getProperty(SEED_PROPERTY);
    if (chosen == null || chosen.isBlank()) {
      return fixed;
    }
    return LongStream.concat(fixed, LongStream.of(Long.parseLong(chosen.trim())));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void keepsEveryAssetBalancedWhateverCommandsArrive(long seed) {
    List<Object> history = new Histories(new Random(seed)).history();
    LedgerFixture ledger = new LedgerFixture();
    ledger.given(ACCOUNTS.values().toArray());
    ledger.given(FUNDING.toArray());

    List<TransferId> pendingsCreated = new ArrayList<>();
    for (int index = 0; index < history.size(); index++) {
      Object step = history.get(index);
      Object command = step instanceof CloseAPending close ? close.command(pendingsCreated) : step;
      try {
        if (command instanceof Wait wait) {
          passTime(ledger, wait, pendingsCreated);
        } else {
          send(ledger, command, pendingsCreated);
        }
        assertBalanced(ledger);
      } catch (AssertionError | RuntimeException broken) {
        throw new AssertionError(
            String.format(
                "seed %d, step %d of %d, %s, broke the ledger (replay with -D%s=%d)%nthe history up to it: %s",
                seed,
                index + 1,
                history.size(),
                command,
                SEED_PROPERTY,
                seed,
                history.subList(0, index + 1)),
            broken);
      }
    }
    if (seed >= 1 && seed <= FIXED_SEED_COUNT) {
      FIXED_SEEDS_COMPLETED.add(seed);
    }
  }

  /**
   * The histories must reach both answers of every command, and let some deadline fire, or the
   * property proves little. Judged only when every fixed seed has run to its end: a single seed
   * proves nothing about the batch, and a seed that failed has already said so.
   */
  @AfterAll
  static void theHistoriesReachEveryAnswerOfEveryCommandAndFireDeadlines() {
    if (FIXED_SEEDS_COMPLETED.size() < FIXED_SEED_COUNT) {
      return;
    }
    for (String command : COMMANDS) {
      for (String answer : List.of("accepted", "rejected")) {
        assertThat(ANSWERS.getOrDefault(command + " " + answer, 0))
            .as(
                "%s %s over %d seeds; all answers: %s",
                command, answer, FIXED_SEED_COUNT, new TreeMap<>(ANSWERS))
            .isPositive();
      }
    }
    assertThat(ANSWERS.getOrDefault(DEADLINES_FIRED, 0))
        .as("deadlines fired over %d seeds", FIXED_SEED_COUNT)
        .isPositive();
  }

  private static void passTime(LedgerFixture ledger, Wait wait, List<TransferId> pendingsCreated) {
    TimePassed passed = ledger.advanceTimeBy(wait.duration());
    ANSWERS.merge(DEADLINES_FIRED, passed.commands().size(), Integer::sum);
    assertThat(passed.commands()).allMatch(ExpirePendingTransfer.class::isInstance);
    assertThat(passed.events())
        .allMatch(
            e ->
                e instanceof PendingTransferExpired
                    || e instanceof AccountDebitReservationReleased
                    || e instanceof AccountCreditReservationReleased);
    assertNoPendingTransferOutlivedItsTimeout(ledger, pendingsCreated);
  }

  private static void send(LedgerFixture ledger, Object command, List<TransferId> pendingsCreated) {
    Outcome outcome = ledger.when(command);
    String answer = outcome.accepted() ? " accepted" : " rejected";
    ANSWERS.merge(command.getClass().getSimpleName() + answer, 1, Integer::sum);
    if (outcome.accepted()
        && command instanceof PostTransfer post
        && post.spec().pending()
        && ((TransferResult) outcome.result()).created()) {
      pendingsCreated.add(post.transferId());
    }
    if (outcome.accepted()) {
      assertEveryEventOfTheAnswerIsStored(ledger, outcome);
      assertTheEventsFitTheCommand(outcome);
    } else {
      assertThat(outcome.failure())
          .as("failure of %s", command)
          .isInstanceOf(LedgerRejection.class);
      assertThat(outcome.events()).as("events of rejected %s", command).isEmpty();
    }
  }

  /** Once time has passed and the deadlines have fired, no pending transfer is past its timeout. */
  private static void assertNoPendingTransferOutlivedItsTimeout(
      LedgerFixture ledger, List<TransferId> pendings) {
    for (TransferId id : pendings) {
      TransferView transfer =
          ledger.read(() -> ledger.transfers().load(id.toString()).invoke(Transfer::view));
      if (transfer.status() == TransferStatus.PENDING && transfer.expiresAt() != null) {
        assertThat(transfer.expiresAt())
            .as("expiry of pending %s", id)
            .isAfter(ledger.clock().instant());
      }
    }
  }

  /** The answer names, for each aggregate it touched, that aggregate's latest stored event. */
  private static void assertEveryEventOfTheAnswerIsStored(LedgerFixture ledger, Outcome outcome) {
    Object result = outcome.result();
    List<EventRef> refs;
    if (result instanceof TransferResult transfer) {
      refs = transfer.events();
    } else if (result instanceof JournalEntryResult entry) {
      refs = entry.events();
    } else if (result instanceof AccountState state) {
      refs = List.of(state.lastEvent());
    } else {
      throw new AssertionError("unexpected answer " + result);
    }
    for (EventRef ref : refs) {
      assertThat(ledger.lastSequenceOf(ref.aggregateId()))
          .as("latest event of %s", ref.aggregateId())
          .isEqualTo(ref.sequence());
    }
  }

  /** Each accepted command records what its kind of command records, in full or not at all. */
  private static void assertTheEventsFitTheCommand(Outcome outcome) {
    List<Object> events = outcome.events();
    Object command = outcome.command();
    if (command instanceof PostTransfer post) {
      if (((TransferResult) outcome.result()).created()) {
        assertThat(events).hasSize(3);
        Object first = events.get(0);
        assertThat(first)
            .isIn(
                new TransferPosted(post.transferId(), post.spec(), createdAt(first)),
                new TransferPending(
                    post.transferId(), post.spec(), createdAt(first), expiresAt(first)));
      } else {
        assertThat(events).isEmpty();
      }
    } else if (command instanceof PostPendingTransfer) {
      assertThat(events).hasSize(5).first().isInstanceOf(PendingTransferPosted.class);
    } else if (command instanceof VoidPendingTransfer) {
      assertThat(events).hasSize(3).first().isInstanceOf(PendingTransferVoided.class);
    } else if (command instanceof ExpirePendingTransfer) {
      assertThat(events.size()).isIn(0, 3);
      if (!events.isEmpty()) {
        assertThat(events.get(0)).isInstanceOf(PendingTransferExpired.class);
      }
    } else if (command instanceof PostJournalEntry entry) {
      if (((JournalEntryResult) outcome.result()).created()) {
        assertThat(events)
            .hasSize(1 + 2 * entry.postings().size())
            .first()
            .isInstanceOf(JournalEntryPosted.class);
      } else {
        assertThat(events).isEmpty();
      }
    } else if (command instanceof FreezeAccount || command instanceof UnfreezeAccount) {
      assertThat(events.size()).isLessThanOrEqualTo(1);
    } else {
      throw new AssertionError("unexpected command " + command);
    }
  }

  private static void assertBalanced(LedgerFixture ledger) {
    Map<String, BigInteger> posted = new HashMap<>();
    Map<String, BigInteger> held = new HashMap<>();
    Map<AccountId, Balance> folded = fold(ledger.allEvents());
    for (OpenAccount open : ACCOUNTS.values()) {
      Account account = ledger.account(open.accountId());
      Balance balance = account.balance();
      assertThat(balance)
          .as("%s rebuilt from its events", open.accountId())
          .isEqualTo(folded.get(open.accountId()));
      posted.merge(open.asset(), BigInteger.valueOf(balance.posted()), BigInteger::add);
      held.merge(
          open.asset(),
          BigInteger.valueOf(balance.debitsPending())
              .subtract(BigInteger.valueOf(balance.creditsPending())),
          BigInteger::add);
      if (!open.allowNegative()) {
        assertThat(balance.available()).as("available of %s", open.accountId()).isNotNegative();
      }
    }
    assertThat(posted)
        .as("posted balances per asset")
        .allSatisfy((asset, sum) -> assertThat(sum).isZero());
    assertThat(held)
        .as("pending debits minus pending credits per asset")
        .allSatisfy((asset, sum) -> assertThat(sum).isZero());
  }

  /** The balances the account events add up to, computed apart from the aggregate. */
  private static Map<AccountId, Balance> fold(List<Object> events) {
    Map<AccountId, long[]> totals = new HashMap<>();
    ACCOUNTS.keySet().forEach(id -> totals.put(id, new long[4]));
    for (Object event : events) {
      if (!(event instanceof AccountEvent accountEvent)) {
        continue;
      }
      long[] t = totals.get(accountEvent.accountId());
      if (event instanceof AccountDebited e) {
        t[0] += e.movement().amount();
      } else if (event instanceof AccountCredited e) {
        t[1] += e.movement().amount();
      } else if (event instanceof AccountDebitReserved e) {
        t[2] += e.movement().amount();
      } else if (event instanceof AccountCreditReserved e) {
        t[3] += e.movement().amount();
      } else if (event instanceof AccountDebitReservationReleased e) {
        t[2] -= e.amount();
      } else if (event instanceof AccountCreditReservationReleased e) {
        t[3] -= e.amount();
      }
    }
    Map<AccountId, Balance> balances = new HashMap<>();
    totals.forEach((id, t) -> balances.put(id, new Balance(t[0], t[1], t[2], t[3])));
    return balances;
  }

  private static java.time.Instant createdAt(Object event) {
    return event instanceof TransferPosted posted
        ? posted.postedAt()
        : ((TransferPending) event).createdAt();
  }

  private static java.time.Instant expiresAt(Object event) {
    return event instanceof TransferPending pending ? pending.expiresAt() : null;
  }

  // ---- histories -----------------------------------------------------------------------------

  /** Time passing, which lets the expiry saga's deadlines fire. */
  record Wait(long seconds) {
    Duration duration() {
      return Duration.ofSeconds(seconds);
    }
  }

  /**
   * Posts, voids or expires one of the pending transfers the history has created so far, picked
   * when it runs: a history drawn in advance cannot know which ids will exist, and blind ids mostly
   * miss.
   */
  record CloseAPending(int pick, String how, Long amount) {
    Object command(List<TransferId> created) {
      TransferId id =
          created.isEmpty()
              ? TransferId.of(TENANT, "none")
              : created.get(created.size() - 1 - pick % created.size());
      return switch (how) {
        case "post" -> new PostPendingTransfer(id, amount);
        case "void" -> new VoidPendingTransfer(id);
        default -> new ExpirePendingTransfer(id);
      };
    }
  }

  /** One movement of value; mostly well-formed, sometimes breaking a rule on purpose. */
  record Move(AccountId from, AccountId to, long amount, String asset) {}

  /** A choice and how often it is drawn relative to the others. */
  private record Weighted<T>(int weight, Supplier<? extends T> choice) {}

  /**
   * Draws histories from one {@link Random}: the same seed always draws the same history. The
   * weights favour commands that are mostly accepted, so that the ledger gets somewhere, while each
   * kind of command also breaks its rules now and then.
   */
  private static final class Histories {
    private static final List<AccountId> ACCOUNT_IDS = List.copyOf(ACCOUNTS.keySet());
    private static final List<AccountId> NON_NEGATIVE_ACCOUNTS =
        ACCOUNT_IDS.stream().filter(id -> !ACCOUNTS.get(id).allowNegative()).toList();

    private final Random random;

    Histories(Random random) {
      this.random = random;
    }

    List<Object> history() {
      int length = (int) between(HISTORY_LENGTH_MIN, HISTORY_LENGTH_MAX);
      List<Object> history = new ArrayList<>(length);
      for (int i = 0; i < length; i++) {
        history.add(step());
      }
      return history;
    }

    private Object step() {
      return frequencyOf(
          List.of(
              new Weighted<>(6, this::postTransfer),
              new Weighted<>(5, this::holdFromABank),
              new Weighted<>(8, this::closeOfAPending),
              new Weighted<>(1, () -> new PostPendingTransfer(transferId(), postableAmount())),
              new Weighted<>(1, () -> new VoidPendingTransfer(transferId())),
              new Weighted<>(1, () -> new ExpirePendingTransfer(transferId())),
              new Weighted<>(3, this::journalEntry),
              new Weighted<>(1, this::freezeOrUnfreeze),
              new Weighted<>(2, () -> new Wait(between(1, 90)))));
    }

    /** Immediate transfers mostly use ids t0..t3 and pending ones p0..p3, so both get repeated. */
    private Object postTransfer() {
      boolean pending = random.nextBoolean();
      int n = (int) between(0, 3);
      Move move = movement();
      Long timeout = timeout();
      String code = oneOf(List.of("a", "b"));
      return new PostTransfer(
          TransferId.of(TENANT, (pending ? "p" : "t") + n),
          new TransferSpec(
              move.from(),
              move.to(),
              move.amount(),
              move.asset(),
              code,
              null,
              Map.of(),
              pending,
              pending ? timeout : null));
    }

    /** Pending transfers that are almost always accepted, so that there is something to close. */
    private Object holdFromABank() {
      TransferId id = pendingId();
      AccountId to = oneOf(NON_NEGATIVE_ACCOUNTS);
      long amount = between(1, 100);
      Long timeout = timeout();
      return new PostTransfer(
          id,
          new TransferSpec(
              bankOf(assetOf(to)), to, amount, assetOf(to), "hold", null, Map.of(), true, timeout));
    }

    private Object closeOfAPending() {
      int pick = (int) between(0, 3);
      String how = oneOf(List.of("post", "post", "void", "expire"));
      return new CloseAPending(pick, how, postableAmount());
    }

    /**
     * What to post of a pending transfer: all of it (null), part, more than it holds, or nothing.
     */
    private Long postableAmount() {
      if (random.nextBoolean()) {
        return null;
      }
      return frequencyOf(
          List.of(
              new Weighted<>(10, () -> between(1, 60)), new Weighted<>(1, () -> between(-1, 150))));
    }

    private Object journalEntry() {
      JournalEntryId id = JournalEntryId.of(TENANT, oneOf(List.of("j0", "j1", "j2", "j3")));
      int count = (int) between(1, 3);
      List<Posting> postings = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        Move m = movement();
        postings.add(new Posting(m.from().address(), m.to().address(), m.amount(), m.asset()));
      }
      return new PostJournalEntry(id, postings, "entry", null, null);
    }

    private Move movement() {
      return frequencyOf(
          List.of(new Weighted<>(6, this::wellFormedMove), new Weighted<>(1, this::anyMove)));
    }

    private Move wellFormedMove() {
      while (true) {
        AccountId from = oneOf(ACCOUNT_IDS);
        AccountId to = oneOf(ACCOUNT_IDS);
        long amount = between(1, 120);
        if (!from.equals(to) && assetOf(from).equals(assetOf(to))) {
          return new Move(from, to, amount, assetOf(from));
        }
      }
    }

    private Move anyMove() {
      AccountId from = oneOf(ACCOUNT_IDS);
      AccountId to = oneOf(ACCOUNT_IDS);
      long amount = amount();
      return new Move(from, to, amount, oneOf(List.of("POINTS", "EUR")));
    }

    private Object freezeOrUnfreeze() {
      AccountId id = oneOf(ACCOUNT_IDS);
      return random.nextBoolean() ? new FreezeAccount(id, "audit") : new UnfreezeAccount(id);
    }

    /** The transfer a pending-transfer command names: mostly a pending one, sometimes not. */
    private TransferId transferId() {
      return frequencyOf(
          List.of(
              new Weighted<>(5, this::pendingId),
              new Weighted<>(1, () -> TransferId.of(TENANT, oneOf(List.of("t0", "t1", "t9"))))));
    }

    private TransferId pendingId() {
      return TransferId.of(TENANT, oneOf(List.of("p0", "p1", "p2", "p3", "p4", "p5")));
    }

    /** Mostly an ordinary amount; sometimes zero, negative or one that overflows any balance. */
    private long amount() {
      return frequencyOf(
          List.of(
              new Weighted<>(20, () -> between(1, 150)),
              new Weighted<>(1, () -> between(-1, 0)),
              new Weighted<>(1, () -> Long.MAX_VALUE)));
    }

    /**
     * Seconds until a pending transfer expires, or null (never) half of the time. Mostly short, so
     * that the pauses of a history often outlast a timeout and the deadlines fire.
     */
    private Long timeout() {
      if (random.nextBoolean()) {
        return null;
      }
      return frequencyOf(
          List.of(
              new Weighted<>(3, () -> between(30, 120)),
              new Weighted<>(1, () -> between(121, 600))));
    }

    /** A number from {@code min} to {@code max}, both included. */
    private long between(long min, long max) {
      return random.nextLong(min, max + 1);
    }

    private <T> T oneOf(List<T> choices) {
      return choices.get(random.nextInt(choices.size()));
    }

    private <T> T frequencyOf(List<Weighted<? extends T>> choices) {
      int total = choices.stream().mapToInt(Weighted::weight).sum();
      int drawn = random.nextInt(total);
      for (Weighted<? extends T> choice : choices) {
        drawn -= choice.weight();
        if (drawn < 0) {
          return choice.choice().get();
        }
      }
      throw new IllegalStateException("weights are positive");
    }
  }

  private static String assetOf(AccountId id) {
    return ACCOUNTS.get(id).asset();
  }

  private static AccountId bankOf(String asset) {
    return ACCOUNTS.values().stream()
        .filter(open -> open.allowNegative() && open.asset().equals(asset))
        .findFirst()
        .orElseThrow()
        .accountId();
  }

  private static OpenAccount open(String address, String asset, boolean allowNegative) {
    return new OpenAccount(AccountId.of(TENANT, address), asset, allowNegative, null);
  }
}
