package dev.ledger.api.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.model.Event;
import com.stripe.model.StripeObject;
import com.stripe.net.Webhook;
import dev.ledger.api.config.LedgerProperties;
import dev.ledger.api.stripe.WebhookInbox.Status;
import dev.ledger.api.stripe.WebhookInbox.StoredEvent;
import dev.ledger.core.escrow.PayoutFailures;
import dev.ledger.core.payment.PaymentCommands.RecordChargeDisputed;
import dev.ledger.core.payment.PaymentCommands.RecordChargeRefunded;
import dev.ledger.core.payment.PaymentCommands.RecordPaymentIntentStatus;
import dev.ledger.core.payment.PaymentGateway;
import dev.ledger.core.shared.TenantId;
import dev.ledger.projections.escrow.EscrowQueries;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Works through the webhook inbox. Each event is taken under a row lock ({@code FOR UPDATE SKIP
 * LOCKED}, so nodes share the work), turned into a command on its Stripe money object, and marked
 * processed in the same transaction as the command's events: processed exactly once. A failure
 * rolls that back and schedules another attempt with exponential backoff; after the last attempt
 * the event is parked as a dead letter. Metadata that does not check out is recorded as rejected
 * with the reason, and never applied.
 */
@Component
public class WebhookProcessor {
  private static final Logger log = LoggerFactory.getLogger(WebhookProcessor.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String ACTOR = "stripe";

  private final WebhookInbox inbox;
  private final PaymentReferences references;
  private final EscrowQueries escrowTenants;
  private final PaymentGateway gateway;
  private final CommandGateway commands;
  private final TransactionTemplate transactions;
  private final Clock clock;
  private final LedgerProperties.Stripe settings;

  public WebhookProcessor(
      WebhookInbox inbox,
      PaymentReferences references,
      EscrowQueries escrowTenants,
      PaymentGateway gateway,
      CommandGateway commands,
      PlatformTransactionManager transactionManager,
      Clock clock,
      LedgerProperties properties) {
    this.inbox = inbox;
    this.references = references;
    this.escrowTenants = escrowTenants;
    this.gateway = gateway;
    this.commands = commands;
    this.transactions = new TransactionTemplate(transactionManager);
    this.clock = clock;
    this.settings = properties.stripe();
  }

  /** Processes due events, at most a batch per poll. */
  @Scheduled(fixedDelayString = "${ledger.stripe.inbox-poll-interval:250ms}")
  public void poll() {
    for (int i = 0; i < settings.inboxBatchSize(); i++) {
      if (!processNext()) {
        return;
      }
    }
  }

  /** Processes the next due event, if any; answers whether there was one. */
  public boolean processNext() {
    String[] failed = new String[2];
    Boolean found;
    try {
      found =
          transactions.execute(
              tx -> {
                Optional<StoredEvent> next = inbox.lockNextDue();
                if (next.isEmpty()) {
                  return false;
                }
                failed[0] = next.get().eventId();
                Outcome outcome = process(next.get());
                inbox.finish(next.get().eventId(), outcome.status(), outcome.reason());
                return true;
              });
    } catch (RuntimeException e) {
      if (failed[0] == null) {
        throw e;
      }
      Status status = inbox.failed(failed[0], e.getClass().getSimpleName() + ": " + e.getMessage());
      if (status == Status.DEAD) {
        log.error("Stripe event {} parked as a dead letter after its last attempt", failed[0], e);
      } else {
        log.warn("Stripe event {} failed, will be retried: {}", failed[0], e.toString());
      }
      return true;
    }
    return Boolean.TRUE.equals(found);
  }

  record Outcome(Status status, String reason) {}

  /**
   * Thrown to try an event again later, with the usual backoff (it counts as an attempt; with the
   * default settings the attempts outlast the reference grace, so such an event ends rejected).
   */
  static final class NotYet extends RuntimeException {
    NotYet(String message) {
      super(message, null, false, false);
    }
  }

  private Outcome process(StoredEvent stored) {
    Event event =
        Webhook.constructEventWithoutVerification(
            new String(
                stored.payload(), java.nio.charset.StandardCharsets.UTF_8)); // verified on receipt
    Instant occurredAt =
        event.getCreated() == null ? clock.instant() : Instant.ofEpochSecond(event.getCreated());
    return switch (event.getType()) {
      case "payment_intent.succeeded",
          "payment_intent.payment_failed",
          "payment_intent.canceled",
          "payment_intent.amount_capturable_updated" -> {
        PaymentGateway.PaymentIntent intent =
            object(event, stored)
                .filter(o -> o instanceof com.stripe.model.PaymentIntent)
                .map(o -> StripeObjects.paymentIntent((com.stripe.model.PaymentIntent) o))
                .orElseGet(() -> gateway.retrievePaymentIntent(objectId(stored)));
        var check = checkReferences(intent.metadata(), stored);
        if (check.rejection() != null) {
          yield new Outcome(Status.REJECTED, check.rejection());
        }
        String status =
            switch (event.getType()) {
              case "payment_intent.payment_failed" -> "payment_failed";
              case "payment_intent.canceled" -> "canceled";
              case "payment_intent.amount_capturable_updated" -> "requires_capture";
              default -> "succeeded";
            };
        send(
            new RecordPaymentIntentStatus(
                intent.id(),
                check.order(),
                status,
                intent.amount(),
                intent.amountReceived(),
                intent.currency() == null ? null : intent.currency().toUpperCase(),
                failureReason(event),
                event.getId(),
                occurredAt,
                "requires_capture".equals(status) && "escrow".equals(check.order().orderType())
                    ? captureBefore(intent)
                    : null),
            check.order().tenant(),
            event.getId());
        yield new Outcome(Status.PROCESSED, null);
      }
      case "charge.expired" -> {
        // an authorisation that was never captured ran out: its PaymentIntent is canceled
        PaymentGateway.Charge charge =
            object(event, stored)
                .filter(o -> o instanceof com.stripe.model.Charge)
                .map(o -> StripeObjects.charge((com.stripe.model.Charge) o))
                .orElseGet(() -> gateway.retrieveCharge(objectId(stored)));
        if (charge.paymentIntentId() == null) {
          yield new Outcome(Status.IGNORED, "a charge without a PaymentIntent");
        }
        PaymentGateway.PaymentIntent intent =
            gateway.retrievePaymentIntent(charge.paymentIntentId());
        var check = checkReferences(intent.metadata(), stored);
        if (check.rejection() != null) {
          yield new Outcome(Status.REJECTED, check.rejection());
        }
        send(
            new RecordPaymentIntentStatus(
                intent.id(),
                check.order(),
                "canceled",
                intent.amount(),
                intent.amountReceived(),
                intent.currency() == null ? null : intent.currency().toUpperCase(),
                null,
                event.getId(),
                occurredAt,
                null),
            check.order().tenant(),
            event.getId());
        yield new Outcome(Status.PROCESSED, null);
      }
      case "payout.failed" -> payoutFailed(event, stored);
      case "charge.refunded" -> {
        PaymentGateway.Charge charge =
            object(event, stored)
                .filter(o -> o instanceof com.stripe.model.Charge)
                .map(o -> StripeObjects.charge((com.stripe.model.Charge) o))
                .orElseGet(() -> gateway.retrieveCharge(objectId(stored)));
        if (charge.paymentIntentId() == null) {
          yield new Outcome(Status.IGNORED, "a charge without a PaymentIntent");
        }
        // a charge does not carry its PaymentIntent's metadata: ask for the PaymentIntent
        PaymentGateway.PaymentIntent intent =
            gateway.retrievePaymentIntent(charge.paymentIntentId());
        var check = checkReferences(intent.metadata(), stored);
        if (check.rejection() != null) {
          yield new Outcome(Status.REJECTED, check.rejection());
        }
        send(
            new RecordChargeRefunded(
                charge.paymentIntentId(),
                check.order(),
                charge.id(),
                charge.amountRefunded(),
                charge.currency() == null ? null : charge.currency().toUpperCase(),
                event.getId(),
                occurredAt),
            check.order().tenant(),
            event.getId());
        yield new Outcome(Status.PROCESSED, null);
      }
      case "charge.dispute.created" -> disputed(event, stored, occurredAt);
      default -> new Outcome(Status.IGNORED, null);
    };
  }

  /**
   * A connected account's payout to its bank failed. It belongs to no single escrow (a payout
   * sweeps the account's balance), so it is recorded for the payee, once per payout, in every
   * tenant whose escrows pay that account; an account no escrow pays is not ours to record.
   */
  private Outcome payoutFailed(Event event, StoredEvent stored) {
    String account = event.getAccount();
    if (account == null) {
      return new Outcome(Status.IGNORED, "a payout of the platform's own account");
    }
    var payout =
        object(event, stored)
            .filter(o -> o instanceof com.stripe.model.Payout)
            .map(o -> (com.stripe.model.Payout) o);
    if (payout.isEmpty()) {
      return new Outcome(Status.REJECTED, "payout.failed without a readable payout object");
    }
    var tenants = escrowTenants.forConnectedAccount(account);
    if (tenants.isEmpty()) {
      return new Outcome(Status.IGNORED, "no escrow pays connected account " + account);
    }
    com.stripe.model.Payout p = payout.get();
    for (String tenant : tenants) {
      send(
          new PayoutFailures.RecordPayoutFailed(
              new TenantId(tenant),
              account,
              p.getId(),
              p.getAmount() == null ? 0 : p.getAmount(),
              p.getCurrency() == null ? null : p.getCurrency().toUpperCase(),
              p.getFailureCode(),
              p.getFailureMessage(),
              event.getId()),
          tenant,
          event.getId());
    }
    return new Outcome(Status.PROCESSED, null);
  }

  /**
   * Until when an escrow's authorisation can be captured: the charge's {@code capture_before} (a
   * card authorisation's own deadline), or null, and the escrow applies its configured fallback. A
   * charge Stripe refuses to show is no reason to hold the webhook back; an unreachable Stripe is.
   */
  private java.time.Instant captureBefore(PaymentGateway.PaymentIntent intent) {
    if (intent.latestChargeId() == null) {
      return null;
    }
    try {
      return gateway.retrieveCharge(intent.latestChargeId()).captureBefore();
    } catch (dev.ledger.core.payment.PaymentGatewayException e) {
      if (e.kind() == dev.ledger.core.payment.PaymentGatewayException.Kind.UNAVAILABLE) {
        throw e; // tried again with the inbox's backoff
      }
      log.warn(
          "charge {} of {} cannot be read ({}); the hold uses the configured fallback",
          intent.latestChargeId(),
          intent.id(),
          e.getMessage());
      return null;
    }
  }

  /**
   * A dispute: recorded on the PaymentIntent of its charge, once per dispute id. The dispute's
   * fields are read from the signed payload itself (they are the same in every API version); a
   * dispute that names no PaymentIntent is resolved through its charge.
   */
  private Outcome disputed(Event event, StoredEvent stored, Instant occurredAt) {
    JsonNode dispute = payloadObject(stored);
    String disputeId = dispute.path("id").asText(null);
    String chargeId = idOf(dispute.path("charge"));
    String paymentIntentId = idOf(dispute.path("payment_intent"));
    if (disputeId == null || (chargeId == null && paymentIntentId == null)) {
      return new Outcome(Status.IGNORED, "a dispute without a charge");
    }
    if (paymentIntentId == null) {
      paymentIntentId = gateway.retrieveCharge(chargeId).paymentIntentId();
      if (paymentIntentId == null) {
        return new Outcome(Status.IGNORED, "a charge without a PaymentIntent");
      }
    }
    // a dispute does not carry its PaymentIntent's metadata: ask for the PaymentIntent
    PaymentGateway.PaymentIntent intent = gateway.retrievePaymentIntent(paymentIntentId);
    var check = checkReferences(intent.metadata(), stored);
    if (check.rejection() != null) {
      return new Outcome(Status.REJECTED, check.rejection());
    }
    String currency = dispute.path("currency").asText(null);
    send(
        new RecordChargeDisputed(
            paymentIntentId,
            check.order(),
            chargeId,
            disputeId,
            dispute.path("amount").asLong(0),
            currency == null ? null : currency.toUpperCase(),
            dispute.path("reason").asText(null),
            event.getId(),
            occurredAt),
        check.order().tenant(),
        event.getId());
    return new Outcome(Status.PROCESSED, null);
  }

  /** A field that holds an object's id, or the object itself (expanded). */
  private static String idOf(JsonNode field) {
    if (field.isTextual()) {
      return field.textValue();
    }
    return field.isObject() ? field.path("id").asText(null) : null;
  }

  private static JsonNode payloadObject(StoredEvent stored) {
    try {
      return JSON.readTree(stored.payload()).path("data").path("object");
    } catch (IOException e) {
      throw new IllegalStateException("event " + stored.eventId() + " is not JSON", e);
    }
  }

  private PaymentReferences.Check checkReferences(
      Map<String, String> metadata, StoredEvent stored) {
    var check = references.check(metadata);
    if (check.rejection() == null && check.resourceMissing()) {
      // The resource may be committing right now on another node: give it a grace period.
      if (stored.receivedAt().plus(settings.referenceGrace()).isAfter(clock.instant())) {
        throw new NotYet("the referenced " + check.order().orderType() + " does not exist yet");
      }
      return new PaymentReferences.Check(
          null,
          "metadata.reference_id: no "
              + check.order().orderType()
              + " "
              + check.order().referenceId(),
          false);
    }
    return check;
  }

  /**
   * The event's object, when the pinned SDK can read this event's API version; otherwise empty, and
   * the caller fetches the object by id instead of dropping the event.
   */
  private static Optional<StripeObject> object(Event event, StoredEvent stored) {
    try {
      return event.getDataObjectDeserializer().getObject();
    } catch (RuntimeException e) {
      log.info(
          "Stripe event {} has API version {}: fetching its object",
          stored.eventId(),
          stored.apiVersion());
      return Optional.empty();
    }
  }

  private static String objectId(StoredEvent stored) {
    try {
      JsonNode root = JSON.readTree(stored.payload());
      String id = root.path("data").path("object").path("id").asText(null);
      if (id == null) {
        throw new IllegalStateException("event " + stored.eventId() + " has no data.object.id");
      }
      return id;
    } catch (IOException e) {
      throw new IllegalStateException("event " + stored.eventId() + " is not JSON", e);
    }
  }

  private static String failureReason(Event event) {
    if (!"payment_intent.payment_failed".equals(event.getType())) {
      return null;
    }
    return event
        .getDataObjectDeserializer()
        .getObject()
        .filter(o -> o instanceof com.stripe.model.PaymentIntent)
        .map(o -> ((com.stripe.model.PaymentIntent) o).getLastPaymentError())
        .map(error -> error.getMessage() == null ? error.getCode() : error.getMessage())
        .orElse("payment failed");
  }

  private void send(Object command, String tenant, String eventId) {
    commands.sendAndWait(
        GenericCommandMessage.asCommandMessage(command)
            .andMetaData(Map.of("tenant", tenant, "keyId", ACTOR, "requestId", eventId)));
  }
}
