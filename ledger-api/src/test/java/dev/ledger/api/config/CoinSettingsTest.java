package dev.ledger.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ledger.api.support.Engine;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gift fee rate is a decimal fraction from 0 up to, not including, 1 with at most four
 * decimals, read exactly into basis points (30 % by default); anything else, and a coin payment
 * timeout outside 1 second to 30 days, stops the engine at start naming the setting.
 */
class CoinSettingsTest {
  @ParameterizedTest(name = "{0} is {1} basis points")
  @CsvSource({
    "0.30, 3000",
    "0.3, 3000",
    "0, 0",
    "0.0, 0",
    ".5, 5000",
    "0.0125, 125",
    "0.9999, 9999"
  })
  void readsTheRateExactly(String rate, long basisPoints) {
    assertThat(new LedgerProperties.Coins(rate, Duration.ofHours(1)).giftFeeBasisPoints())
        .isEqualTo(basisPoints);
  }

  @Test
  void thirtyPercentAndADayByDefault() {
    var coins =
        new org.springframework.boot.context.properties.bind.Binder(
                new org.springframework.boot.context.properties.source
                    .MapConfigurationPropertySource(Map.of()))
            .bindOrCreate("ledger.coins", LedgerProperties.Coins.class);
    assertThat(coins.giftFeeBasisPoints()).isEqualTo(3000);
    assertThat(coins.paymentTimeout()).isEqualTo(Duration.ofHours(24));
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(
      strings = {
        "1", "1.0", "30", "0.30%", "-0.1", "0.12345", "abc", "", " ", "0,3", "1e-1", "NaN"
      })
  void refusesAnyOtherRateNamingTheSetting(String rate) {
    assertThatThrownBy(() -> new LedgerProperties.Coins(rate, Duration.ofHours(1)))
        .isInstanceOfSatisfying(
            LedgerConfigurationException.class,
            e -> assertThat(e.setting()).isEqualTo("LEDGER_COINS_GIFT_FEE_RATE"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"PT0.5S", "PT0S", "P31D"})
  void refusesAPaymentTimeoutOutOfRange(String timeout) {
    assertThatThrownBy(() -> new LedgerProperties.Coins("0.30", Duration.parse(timeout)))
        .isInstanceOfSatisfying(
            LedgerConfigurationException.class,
            e -> assertThat(e.setting()).isEqualTo("LEDGER_COINS_PAYMENT_TIMEOUT"));
  }

  @Test
  void anEngineWithABadRateDoesNotStart() {
    assertThatThrownBy(
            () ->
                Engine.start(
                    Map.of(
                        "ledger.db.url",
                        "jdbc:postgresql://127.0.0.1:1/x",
                        "ledger.coins.gift-fee-rate",
                        "1.5")))
        .satisfies(
            e -> {
              Throwable t = e;
              while (t != null && !(t instanceof LedgerConfigurationException)) {
                t = t.getCause();
              }
              assertThat(t).isInstanceOf(LedgerConfigurationException.class);
              assertThat(((LedgerConfigurationException) t).setting())
                  .isEqualTo("LEDGER_COINS_GIFT_FEE_RATE");
            });
  }
}
