package dev.ledger.core.coins;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.ledger.core.coins.GiftCommands.SendGift;
import dev.ledger.core.coins.GiftEvents.GiftSent;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;

/**
 * A gift's identity: like a transfer's, its creation makes the gift id take effect once (a second
 * creation fails on the event store's unique key). The coins move in the accounts, in the same unit
 * of work ({@link GiftCommandHandler}).
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
public class Gift {
  @AggregateIdentifier private String id;
  private GiftSent sent;

  protected Gift() {
    // for Axon
  }

  private Gift(GiftSent sent) {
    apply(sent);
  }

  static Gift send(GiftSent sent) {
    return new Gift(sent);
  }

  boolean isDescribedBy(SendGift command) {
    return sent.senderId().equals(command.senderId())
        && sent.recipientId().equals(command.recipientId())
        && sent.coins() == command.coins();
  }

  GiftSent sent() {
    return sent;
  }

  @EventSourcingHandler
  void on(GiftSent event) {
    id = event.giftId().toString();
    sent = event;
  }
}
