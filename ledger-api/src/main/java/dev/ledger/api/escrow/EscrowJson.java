package dev.ledger.api.escrow;

import dev.ledger.projections.escrow.EscrowQueries.EscrowRow;
import java.util.LinkedHashMap;
import java.util.Map;

/** An escrow as the API shows it. */
final class EscrowJson {
  private EscrowJson() {}

  static Map<String, Object> of(EscrowRow row) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", row.id());
    view.put("status", row.status());
    view.put("payerId", row.payerId());
    view.put("payeeStripeAccount", row.payeeAccount());
    view.put("amount", row.amount());
    view.put("currency", row.currency());
    view.put("platformFee", row.platformFee());
    view.put("payment", Map.of("provider", "stripe", "paymentIntentId", row.paymentIntentId()));
    view.put(
        "captureDeadline", row.captureDeadline() == null ? null : row.captureDeadline().toString());
    view.put("capturedAmount", row.capturedAmount());
    view.put("refundedAmount", row.refundedAmount());
    view.put("payeeAmount", row.payeeAmount());
    view.put("feeAmount", row.feeAmount());
    view.put("stripeTransferId", row.stripeTransferId());
    view.put("transferFailures", row.transferFailures());
    view.put("reviewStep", row.reviewStep());
    view.put("lastError", row.lastError());
    view.put("account", "escrow:" + row.referenceId());
    view.put("createdAt", row.createdAt().toString());
    view.put("updatedAt", row.updatedAt().toString());
    return view;
  }
}
