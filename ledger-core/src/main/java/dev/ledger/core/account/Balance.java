package dev.ledger.core.account;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * The four running totals of an account, in the asset's minor unit. Pure arithmetic: every
 * operation returns a new balance or throws {@link ArithmeticException} on 64-bit overflow.
 *
 * <p>{@code posted} is credits minus debits posted; {@code available} is posted minus pending
 * debits, the amount an account may still spend.
 */
public record Balance(
    long debitsPosted, long creditsPosted, long debitsPending, long creditsPending) {
  public static final Balance ZERO = new Balance(0, 0, 0, 0);

  @JsonIgnore
  public long posted() {
    return Math.subtractExact(creditsPosted, debitsPosted);
  }

  @JsonIgnore
  public long available() {
    return Math.subtractExact(posted(), debitsPending);
  }

  public Balance afterDebit(long amount) {
    Balance next =
        new Balance(
            Math.addExact(debitsPosted, amount), creditsPosted, debitsPending, creditsPending);
    next.available(); // the derived figures must stay representable too
    return next;
  }

  public Balance afterCredit(long amount) {
    Balance next =
        new Balance(
            debitsPosted, Math.addExact(creditsPosted, amount), debitsPending, creditsPending);
    next.available();
    return next;
  }

  public Balance afterDebitReserved(long amount) {
    Balance next =
        new Balance(
            debitsPosted, creditsPosted, Math.addExact(debitsPending, amount), creditsPending);
    next.available();
    return next;
  }

  public Balance afterCreditReserved(long amount) {
    return new Balance(
        debitsPosted, creditsPosted, debitsPending, Math.addExact(creditsPending, amount));
  }

  public Balance afterDebitReservationReleased(long amount) {
    return new Balance(
        debitsPosted, creditsPosted, Math.subtractExact(debitsPending, amount), creditsPending);
  }

  public Balance afterCreditReservationReleased(long amount) {
    return new Balance(
        debitsPosted, creditsPosted, debitsPending, Math.subtractExact(creditsPending, amount));
  }
}
