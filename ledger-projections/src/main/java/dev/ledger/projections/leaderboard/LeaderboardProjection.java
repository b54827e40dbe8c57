package dev.ledger.projections.leaderboard;

import dev.ledger.core.account.AccountEvents.AccountCredited;
import dev.ledger.core.account.AccountEvents.AccountDebited;
import dev.ledger.core.account.AccountEvents.AccountOpened;
import dev.ledger.core.points.Points;
import dev.ledger.core.shared.AccountId;
import dev.ledger.core.shared.ResourceId;
import java.time.Instant;
import java.util.Collections;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.eventhandling.TrackingToken;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The leaderboards, for {@code GET /v1/leaderboards/{board}}. Each board is kept for all time, per
 * calendar month and per ISO week (UTC, by the event's timestamp):
 *
 * <ul>
 *   <li>{@code points-balance}: the posted balance of {@code user:{userId}:points} (asset POINTS)
 *       after the user's latest debit or credit in the period. For {@code all} that is the current
 *       balance; for a month or week, the balance the user ended that period with (so far).
 *   <li>{@code points-earned}: the sum of the credits to that account with code {@code
 *       points_award} in the period. Reversals and redemptions do not reduce it. It stops at 2^63-1
 *       rather than overflow.
 *   <li>{@code gifts-sent}: the sum of the debits of {@code user:{userId}:coins} by a gift's
 *       transfers (ids {@code engine:gift:…}, which only the engine can use) in the period: the
 *       coins the user gave, fee included.
 *   <li>{@code gifts-received}: the sum of the credits of {@code user:{userId}:earnings} by a
 *       gift's transfer in the period: the coins the user received, after the fee.
 * </ul>
 *
 * <p>The gift boards follow the accounts rather than the gifts so that every row is changed by the
 * events of one account only, as the points boards are: a row is then never written from two
 * segments at once, and {@code last_position} guards it exactly.
 *
 * <p>Each row keeps the position of the event that set its value: of two equal values, the one
 * reached first ranks higher, then the lower user id. Everything here is a function of the events
 * and their order, so a replay rebuilds identical boards. Runs in the processor's transaction,
 * together with its token update; the events of one account arrive in order, on one segment.
 */
@ProcessingGroup(LeaderboardProjection.NAME)
public class LeaderboardProjection {
  public static final String NAME = "leaderboards";

  private static final Pattern USER_POINTS_ACCOUNT =
      Pattern.compile("user:([a-zA-Z0-9_-]{1,64}):points");
  private static final Pattern USER_COINS_ACCOUNT =
      Pattern.compile("user:([a-zA-Z0-9_-]{1,64}):coins");
  private static final Pattern USER_EARNINGS_ACCOUNT =
      Pattern.compile("user:([a-zA-Z0-9_-]{1,64}):earnings");

  /**
   * The transfers of gifts ({@code GiftCommandHandler}): ids that start with the engine's prefix,
   * which no client may use, so a client's own transfer never counts as a gift.
   */
  private static final String GIFT_TRANSFER_PREFIX = ResourceId.engine("gift", "");

  private static final Period[] PERIODS = Period.values();
  private static final String ROW = "(?, ?, ?, ?, ?, ?, ?)";

  private final JdbcTemplate jdbc;

  public LeaderboardProjection(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Remembers a user's points account; an account of that name in another asset is no board's. */
  @EventHandler
  void on(AccountOpened event) {
    if (!Points.ASSET.equals(event.asset())) {
      return;
    }
    userOf(event.accountId().address())
        .ifPresent(
            user ->
                jdbc.update(
                    "INSERT INTO leaderboard_points_account (tenant_id, address, user_id)"
                        + " VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    event.accountId().tenant().value(),
                    event.accountId().address(),
                    user));
  }

  @EventHandler
  void on(AccountCredited event, TrackingToken token, @Timestamp Instant at) {
    if (isGift(event.movement().transferId())) {
      match(USER_EARNINGS_ACCOUNT, event.accountId().address())
          .ifPresent(
              recipient ->
                  addUp(
                      event.accountId().tenant().value(),
                      Board.GIFTS_RECEIVED,
                      recipient,
                      event.movement().amount(),
                      position(token),
                      at));
      return;
    }
    Optional<String> user = followedUser(event.accountId());
    if (user.isEmpty()) {
      return;
    }
    long position = position(token);
    String tenant = event.accountId().tenant().value();
    setBalance(tenant, user.get(), event.postedAfter(), position, at);
    if (Points.AWARD_CODE.equals(event.movement().code())) {
      addEarned(tenant, user.get(), event.movement().amount(), position, at);
    }
  }

  @EventHandler
  void on(AccountDebited event, TrackingToken token, @Timestamp Instant at) {
    if (isGift(event.movement().transferId())) {
      match(USER_COINS_ACCOUNT, event.accountId().address())
          .ifPresent(
              sender ->
                  addUp(
                      event.accountId().tenant().value(),
                      Board.GIFTS_SENT,
                      sender,
                      event.movement().amount(),
                      position(token),
                      at));
      return;
    }
    Optional<String> user = followedUser(event.accountId());
    if (user.isEmpty()) {
      return;
    }
    setBalance(
        event.accountId().tenant().value(), user.get(), event.postedAfter(), position(token), at);
  }

  @ResetHandler
  void reset() {
    jdbc.update("DELETE FROM leaderboard_entry");
    jdbc.update("DELETE FROM leaderboard_points_account");
  }

  /**
   * The balance after this event becomes the user's value in each period. The guard on {@code
   * last_position} makes a repeated event a no-op; {@code reached_position} moves only with the
   * value.
   */
  private void setBalance(String tenant, String user, long balance, long position, Instant at) {
    upsert(tenant, Board.POINTS_BALANCE, user, balance, position, at, "EXCLUDED.value");
  }

  /**
   * Adds an award to the user's sum in each period. The sum cannot pass 2^63-1: it is at most the
   * account's credits posted, which the account itself keeps from overflowing.
   */
  private void addEarned(String tenant, String user, long amount, long position, Instant at) {
    addUp(tenant, Board.POINTS_EARNED, user, amount, position, at);
  }

  /**
   * Adds to a board that sums movements of one account. The sum cannot pass 2^63-1: it is at most
   * the account's debits or credits posted, which the account keeps from overflowing.
   */
  private void addUp(
      String tenant, Board board, String user, long amount, long position, Instant at) {
    upsert(tenant, board, user, amount, position, at, "e.value + EXCLUDED.value");
  }

  private static boolean isGift(String transferId) {
    return transferId.startsWith(GIFT_TRANSFER_PREFIX);
  }

  /**
   * Writes one row per period. {@code newValue} is an SQL expression of the stored row {@code e}
   * and the proposed row {@code EXCLUDED} (whose value is the event's); it is one of the two
   * constants above, never input.
   */
  private void upsert(
      String tenant,
      Board board,
      String user,
      long value,
      long position,
      Instant at,
      String newValue) {
    Object[] args = new Object[PERIODS.length * 7];
    for (int i = 0; i < PERIODS.length; i++) {
      args[i * 7] = tenant;
      args[i * 7 + 1] = board.slug();
      args[i * 7 + 2] = PERIODS[i].keyAt(at);
      args[i * 7 + 3] = user;
      args[i * 7 + 4] = value;
      args[i * 7 + 5] = position;
      args[i * 7 + 6] = position;
    }
    jdbc.update(
        "INSERT INTO leaderboard_entry AS e"
            + " (tenant_id, board, period_key, user_id, value, reached_position, last_position)"
            + " VALUES "
            + String.join(", ", Collections.nCopies(PERIODS.length, ROW))
            + " ON CONFLICT (tenant_id, board, period_key, user_id) DO UPDATE SET"
            + " value = "
            + newValue
            + ", reached_position = CASE WHEN "
            + newValue
            + " = e.value THEN e.reached_position ELSE EXCLUDED.reached_position END"
            + ", last_position = EXCLUDED.last_position"
            + " WHERE e.last_position < EXCLUDED.last_position",
        args);
  }

  /** The user whose points account this is, if the boards follow it. */
  private Optional<String> followedUser(AccountId account) {
    if (userOf(account.address()).isEmpty()) {
      return Optional.empty(); // most accounts are no user's points: spare the query
    }
    return jdbc
        .queryForList(
            "SELECT user_id FROM leaderboard_points_account WHERE tenant_id = ? AND address = ?",
            String.class,
            account.tenant().value(),
            account.address())
        .stream()
        .findFirst();
  }

  private static Optional<String> userOf(String address) {
    return match(USER_POINTS_ACCOUNT, address);
  }

  private static Optional<String> match(Pattern account, String address) {
    Matcher matcher = account.matcher(address);
    return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
  }

  private static long position(TrackingToken token) {
    return token
        .position()
        .orElseThrow(() -> new IllegalStateException("event without a position"));
  }
}
