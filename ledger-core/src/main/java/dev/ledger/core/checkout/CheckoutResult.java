package dev.ledger.core.checkout;

import dev.ledger.core.shared.EventRef;
import java.util.List;

/**
 * The answer to a checkout command: the order as it stands, whether this command placed it, and the
 * latest event of every aggregate it touched.
 */
public record CheckoutResult(Order.State order, boolean created, List<EventRef> events) {}
