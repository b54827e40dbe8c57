package dev.ledger.api.stripe;

import dev.ledger.api.config.LedgerProperties;
import dev.ledger.core.payment.PaymentGateway;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The payment gateway the sagas use: Stripe when {@code LEDGER_STRIPE_SECRET_KEY} is set, otherwise
 * one that answers {@code UNAVAILABLE} to every call, so the engine starts without Stripe and
 * everything that does not move card money works.
 */
@Configuration(proxyBeanMethods = false)
public class StripeConfig {
  @Bean
  PaymentGateway paymentGateway(LedgerProperties properties) {
    return gatewayFor(properties.stripe());
  }

  @Bean
  StripeAvailability stripeAvailability(LedgerProperties properties) {
    return StripeAvailability.of(properties.stripe());
  }

  static PaymentGateway gatewayFor(LedgerProperties.Stripe stripe) {
    return StripeAvailability.of(stripe).configured()
        ? new StripePaymentGateway(stripe)
        : new UnavailablePaymentGateway();
  }
}
