package dev.ledger.core.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * A balance is four running totals: posted is credits minus debits, available also subtracts the
 * debits held by pending transfers, and no operation ever wraps around 64 bits.
 */
class BalanceTest {
  private static final long MAX = Long.MAX_VALUE;

  @Test
  void postedIsCreditsMinusDebits() {
    Balance balance = new Balance(30, 100, 0, 0);

    assertThat(balance.posted()).isEqualTo(70);
  }

  @Test
  void availableSubtractsPendingDebitsButNotPendingCredits() {
    Balance balance = new Balance(30, 100, 20, 50);

    assertThat(balance.available()).isEqualTo(50);
  }

  @Test
  void aBalanceStartsAtZero() {
    assertThat(Balance.ZERO.posted()).isZero();
    assertThat(Balance.ZERO.available()).isZero();
  }

  @Test
  void aDebitAddsToPostedDebits() {
    assertThat(new Balance(1, 10, 2, 3).afterDebit(4)).isEqualTo(new Balance(5, 10, 2, 3));
  }

  @Test
  void aCreditAddsToPostedCredits() {
    assertThat(new Balance(1, 10, 2, 3).afterCredit(4)).isEqualTo(new Balance(1, 14, 2, 3));
  }

  @Test
  void aReservedDebitStopsBeingAvailableAtOnce() {
    Balance balance = new Balance(0, 100, 0, 0).afterDebitReserved(40);

    assertThat(balance).isEqualTo(new Balance(0, 100, 40, 0));
    assertThat(balance.posted()).isEqualTo(100);
    assertThat(balance.available()).isEqualTo(60);
  }

  @Test
  void aReservedCreditIsNotAvailableBeforeItIsPosted() {
    Balance balance = Balance.ZERO.afterCreditReserved(40);

    assertThat(balance).isEqualTo(new Balance(0, 0, 0, 40));
    assertThat(balance.available()).isZero();
  }

  @Test
  void releasingAReservationGivesItBack() {
    Balance held = new Balance(0, 100, 40, 25);

    assertThat(held.afterDebitReservationReleased(40)).isEqualTo(new Balance(0, 100, 0, 25));
    assertThat(held.afterCreditReservationReleased(25)).isEqualTo(new Balance(0, 100, 40, 0));
  }

  @Test
  void aBalanceMayGoNegativeWhereTheAccountAllowsIt() {
    Balance balance = Balance.ZERO.afterDebit(70);

    assertThat(balance.posted()).isEqualTo(-70);
    assertThat(balance.available()).isEqualTo(-70);
  }

  @Test
  void holdsTheLargestRepresentableAmounts() {
    assertThat(Balance.ZERO.afterCredit(MAX).posted()).isEqualTo(MAX);
    assertThat(Balance.ZERO.afterDebit(MAX).posted()).isEqualTo(-MAX);
  }

  @Test
  void rejectsADebitWhosePostedTotalWouldOverflow() {
    Balance balance = new Balance(MAX, MAX, 0, 0);

    assertThatThrownBy(() -> balance.afterDebit(1)).isInstanceOf(ArithmeticException.class);
  }

  @Test
  void rejectsACreditWhosePostedTotalWouldOverflow() {
    Balance balance = new Balance(0, MAX, 0, 0);

    assertThatThrownBy(() -> balance.afterCredit(1)).isInstanceOf(ArithmeticException.class);
  }

  @Test
  void rejectsADebitWhoseAvailableFigureWouldOverflow() {
    // Every total fits in 64 bits, but posted minus pending debits would fall below Long.MIN_VALUE.
    Balance atTheFloor = new Balance(MAX, 0, 1, 0);
    assertThat(atTheFloor.available()).isEqualTo(Long.MIN_VALUE);

    assertThatThrownBy(() -> atTheFloor.afterDebitReserved(1))
        .isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> new Balance(MAX - 1, 0, 2, 0).afterDebit(1))
        .isInstanceOf(ArithmeticException.class);
  }

  @Test
  void rejectsAReservationWhoseTotalWouldOverflow() {
    assertThatThrownBy(() -> new Balance(0, 0, MAX, 0).afterDebitReserved(1))
        .isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> new Balance(0, 0, 0, MAX).afterCreditReserved(1))
        .isInstanceOf(ArithmeticException.class);
  }

  @Test
  void neverChangesTheBalanceItStartedFrom() {
    Balance before = new Balance(1, 2, 3, 4);

    before.afterDebit(5);
    before.afterCredit(5);
    before.afterDebitReserved(5);
    before.afterCreditReserved(5);

    assertThat(before).isEqualTo(new Balance(1, 2, 3, 4));
  }
}
