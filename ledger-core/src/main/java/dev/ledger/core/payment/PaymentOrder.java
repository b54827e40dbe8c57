package dev.ledger.core.payment;

/**
 * What a payment pays for, as the PaymentIntent's metadata says.
 *
 * @param tenant the tenant that created the resource
 * @param orderType {@code investment}, {@code order}, {@code coin_purchase} or {@code escrow}
 * @param referenceId the UUID of the resource
 */
public record PaymentOrder(String tenant, String orderType, String referenceId) {}
