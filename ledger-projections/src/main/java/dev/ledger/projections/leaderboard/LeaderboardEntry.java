package dev.ledger.projections.leaderboard;

/**
 * One line of a board.
 *
 * @param rank 1 for the top; every rank is held by one user, since ties are broken
 * @param value in the asset's minor unit
 */
public record LeaderboardEntry(int rank, String userId, long value) {}
