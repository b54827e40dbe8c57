package dev.ledger.core.checkout;

import static dev.ledger.core.shared.Rejection.BALANCE_OVERFLOW;
import static dev.ledger.core.shared.Rejection.OUT_OF_STOCK;
import static dev.ledger.core.shared.Rejection.PRODUCT_NOT_FOUND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Named.named;

import dev.ledger.core.checkout.CheckoutCommands.AdjustStock;
import dev.ledger.core.checkout.CheckoutCommands.DefineProduct;
import dev.ledger.core.checkout.CheckoutEvents.ProductDefined;
import dev.ledger.core.checkout.CheckoutEvents.StockAdjusted;
import dev.ledger.core.checkout.CheckoutEvents.StockCommitted;
import dev.ledger.core.checkout.CheckoutEvents.StockReleased;
import dev.ledger.core.checkout.CheckoutEvents.StockReserved;
import dev.ledger.core.checkout.CheckoutEvents.StockTaken;
import dev.ledger.core.shared.EventRef;
import dev.ledger.core.shared.LedgerRejection;
import dev.ledger.core.shared.Rejection;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.hamcrest.FeatureMatcher;
import org.hamcrest.Matcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A product is defined once and redefined only when its name or prices change; its stock moves by
 * hand in either direction but never below what card orders hold reserved, so never below zero, and
 * a product that was never defined can have no stock.
 *
 * <p>The commands run on {@code AggregateTestFixture} through the real {@link
 * CheckoutCommandHandler}: the catalog commands touch the product alone, so the handler gets
 * neither orders nor postings.
 */
class ProductTest {
  private static final Sku PEN = Sku.of("acme", "PEN-1");
  private static final DefineProduct DEFINE_PEN = new DefineProduct(PEN, "Pen", 10L, 250L, "USD");
  private static final ProductDefined PEN_DEFINED =
      new ProductDefined(PEN, "Pen", 10L, 250L, "USD");

  private final AggregateTestFixture<Product> fixture = new AggregateTestFixture<>(Product.class);

  @BeforeEach
  void registerTheCheckoutCommandHandler() {
    fixture.registerAnnotatedCommandHandler(
        new CheckoutCommandHandler(
            fixture.getRepository(),
            null,
            null,
            Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC)));
  }

  // ---- DefineProduct -------------------------------------------------------------------------

  @Test
  void definesANewProductWithoutStock() {
    fixture
        .givenNoPriorActivity()
        .when(DEFINE_PEN)
        .expectEvents(PEN_DEFINED)
        .expectResultMessagePayload(
            new ProductResult(
                new Product.State(PEN, "Pen", 10L, 250L, "USD", 0, 0),
                true,
                new EventRef("acme/product/PEN-1", 0)));
  }

  @Test
  void storesTheProductUnderItsTenantAndSku() {
    assertThat(PEN).hasToString("acme/product/PEN-1");
    assertThat(Sku.of("globex", "PEN-1")).isNotEqualTo(PEN);
  }

  @Test
  void definesAProductThatCanOnlyBeBoughtWithPoints() {
    fixture
        .givenNoPriorActivity()
        .when(new DefineProduct(PEN, "Pen", 10L, null, null))
        .expectEvents(new ProductDefined(PEN, "Pen", 10L, null, null));
  }

  @Test
  void redefiningWithTheSameContentRecordsNothing() {
    fixture
        .given(PEN_DEFINED, new StockAdjusted(PEN, 5, "delivery", 5))
        .when(DEFINE_PEN)
        .expectNoEvents()
        .expectResultMessagePayload(
            new ProductResult(
                new Product.State(PEN, "Pen", 10L, 250L, "USD", 5, 0),
                false,
                new EventRef("acme/product/PEN-1", 1)));
  }

  static Stream<Arguments> newContent() {
    return Stream.of(
        Arguments.of(named("another name", new DefineProduct(PEN, "Ink pen", 10L, 250L, "USD"))),
        Arguments.of(
            named("another points price", new DefineProduct(PEN, "Pen", 12L, 250L, "USD"))),
        Arguments.of(named("another card price", new DefineProduct(PEN, "Pen", 10L, 300L, "USD"))),
        Arguments.of(named("another currency", new DefineProduct(PEN, "Pen", 10L, 250L, "EUR"))),
        Arguments.of(named("no points price", new DefineProduct(PEN, "Pen", null, 250L, "USD"))),
        Arguments.of(named("no card price", new DefineProduct(PEN, "Pen", 10L, null, null))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("newContent")
  void redefiningWithNewContentRecordsItAndKeepsTheStock(DefineProduct redefinition) {
    fixture
        .given(PEN_DEFINED, new StockAdjusted(PEN, 5, "delivery", 5))
        .when(redefinition)
        .expectEvents(
            new ProductDefined(
                PEN,
                redefinition.name(),
                redefinition.pricePoints(),
                redefinition.priceMinor(),
                redefinition.currency()))
        .expectResultMessagePayloadMatching(aProductWith(redefinition, 5))
        .expectState(product -> assertThat(product.state().onHand()).isEqualTo(5));
  }

  // ---- AdjustStock ---------------------------------------------------------------------------

  @Test
  void addsStock() {
    fixture
        .given(PEN_DEFINED, new StockAdjusted(PEN, 10, "delivery", 10))
        .when(new AdjustStock(PEN, 5, "delivery"))
        .expectEvents(new StockAdjusted(PEN, 5, "delivery", 15))
        .expectState(product -> assertThat(product.state().available()).isEqualTo(15));
  }

  @Test
  void removesStock() {
    fixture
        .given(PEN_DEFINED, new StockAdjusted(PEN, 10, "delivery", 10))
        .when(new AdjustStock(PEN, -4, "broken"))
        .expectEvents(new StockAdjusted(PEN, -4, "broken", 6))
        .expectState(product -> assertThat(product.state().onHand()).isEqualTo(6));
  }

  @Test
  void removesTheLastUnit() {
    fixture
        .given(PEN_DEFINED, new StockAdjusted(PEN, 3, "delivery", 3))
        .when(new AdjustStock(PEN, -3, "stocktake"))
        .expectEvents(new StockAdjusted(PEN, -3, "stocktake", 0));
  }

  @Test
  void rejectsRemovingMoreThanIsOnHand() {
    fixture
        .given(PEN_DEFINED, new StockAdjusted(PEN, 3, "delivery", 3))
        .when(new AdjustStock(PEN, -4, "stocktake"))
        .expectException(rejectedFor(OUT_OF_STOCK))
        .expectNoEvents();
  }

  @Test
  void rejectsRemovingStockFromAProductThatHasNone() {
    fixture
        .given(PEN_DEFINED)
        .when(new AdjustStock(PEN, -1, "stocktake"))
        .expectException(rejectedFor(OUT_OF_STOCK))
        .expectNoEvents();
  }

  @Test
  void mayRemoveStockDownToWhatIsReserved() {
    fixture
        .given(
            PEN_DEFINED,
            new StockAdjusted(PEN, 10, "delivery", 10),
            new StockReserved(PEN, "o1", 7))
        .when(new AdjustStock(PEN, -3, "broken"))
        .expectEvents(new StockAdjusted(PEN, -3, "broken", 7))
        .expectState(product -> assertThat(product.state().available()).isZero());
  }

  @Test
  void rejectsRemovingStockThatIsReservedForAnOrder() {
    fixture
        .given(
            PEN_DEFINED,
            new StockAdjusted(PEN, 10, "delivery", 10),
            new StockReserved(PEN, "o1", 7))
        .when(new AdjustStock(PEN, -4, "broken"))
        .expectException(rejectedFor(OUT_OF_STOCK))
        .expectNoEvents();
  }

  @Test
  void stockReleasedByAnOrderCanBeRemovedAgain() {
    fixture
        .given(
            PEN_DEFINED,
            new StockAdjusted(PEN, 10, "delivery", 10),
            new StockReserved(PEN, "o1", 7),
            new StockReleased(PEN, "o1", 7))
        .when(new AdjustStock(PEN, -10, "recall"))
        .expectEvents(new StockAdjusted(PEN, -10, "recall", 0));
  }

  @Test
  void stockTakenOrCommittedByOrdersIsNoLongerOnHand() {
    fixture
        .given(
            PEN_DEFINED,
            new StockAdjusted(PEN, 10, "delivery", 10),
            new StockTaken(PEN, "o1", 2, 8),
            new StockReserved(PEN, "o2", 3),
            new StockCommitted(PEN, "o2", 3, 5))
        .when(new AdjustStock(PEN, -5, "recall"))
        .expectEvents(new StockAdjusted(PEN, -5, "recall", 0))
        .expectState(
            product ->
                assertThat(product.state())
                    .extracting("onHand", "reserved")
                    .containsExactly(0L, 0L));
  }

  @Test
  void rejectsStockThatWouldOverflow() {
    fixture
        .given(PEN_DEFINED, new StockAdjusted(PEN, Long.MAX_VALUE, "delivery", Long.MAX_VALUE))
        .when(new AdjustStock(PEN, 1, "delivery"))
        .expectException(rejectedFor(BALANCE_OVERFLOW))
        .expectNoEvents();
  }

  @Test
  void rejectsAdjustingTheStockOfAnUnknownProduct() {
    fixture
        .givenNoPriorActivity()
        .when(new AdjustStock(PEN, 5, "delivery"))
        .expectException(rejectedFor(PRODUCT_NOT_FOUND))
        .expectNoEvents();
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** A {@link LedgerRejection} for the given rule. */
  private static Matcher<LedgerRejection> rejectedFor(Rejection rule) {
    return new FeatureMatcher<>(equalTo(rule), "a ledger rejection for", "rejection") {
      @Override
      protected Rejection featureValueOf(LedgerRejection rejection) {
        return rejection.rejection();
      }
    };
  }

  /** The answer to a redefinition: the product with the new content and its stock unchanged. */
  private static Matcher<ProductResult> aProductWith(DefineProduct definition, long onHand) {
    return new FeatureMatcher<>(
        equalTo(
            new Product.State(
                PEN,
                definition.name(),
                definition.pricePoints(),
                definition.priceMinor(),
                definition.currency(),
                onHand,
                0)),
        "a product answer whose state is",
        "state") {
      @Override
      protected Product.State featureValueOf(ProductResult result) {
        return result.product();
      }
    };
  }
}
