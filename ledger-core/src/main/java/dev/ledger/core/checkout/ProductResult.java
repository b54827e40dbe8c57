package dev.ledger.core.checkout;

import dev.ledger.core.shared.EventRef;

/** The answer to a catalog command. */
public record ProductResult(Product.State product, boolean created, EventRef lastEvent) {}
