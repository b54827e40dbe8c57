package dev.ledger.api.checkout;

import dev.ledger.api.ledger.Assets;
import dev.ledger.api.ledger.LedgerCommands;
import dev.ledger.api.ledger.Positions;
import dev.ledger.api.web.ApiException;
import dev.ledger.api.web.BodyFilter;
import dev.ledger.api.web.JsonRequest;
import dev.ledger.api.web.RequestContext;
import dev.ledger.api.web.RequiresScope;
import dev.ledger.api.web.Scope;
import dev.ledger.core.checkout.CheckoutCommands.AdjustStock;
import dev.ledger.core.checkout.CheckoutCommands.DefineProduct;
import dev.ledger.core.checkout.Product;
import dev.ledger.core.checkout.ProductResult;
import dev.ledger.core.checkout.Sku;
import dev.ledger.projections.catalog.CatalogProjection;
import dev.ledger.projections.catalog.CatalogQueries;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The catalog: products, their prices, and stock adjustments. */
@RestController
public class ProductsController {
  private static final Set<String> PRODUCT_FIELDS =
      Set.of("name", "pricePoints", "priceMinor", "currency");
  private static final Set<String> ADJUSTMENT_FIELDS = Set.of("delta", "reason");

  private final LedgerCommands commands;
  private final Positions positions;
  private final CatalogQueries queries;
  private final Assets assets;

  public ProductsController(
      LedgerCommands commands, Positions positions, CatalogQueries queries, Assets assets) {
    this.commands = commands;
    this.positions = positions;
    this.queries = queries;
    this.assets = assets;
  }

  @PutMapping("/v1/products/{sku}")
  @RequiresScope(Scope.LEDGER_WRITE)
  ResponseEntity<Object> define(@PathVariable String sku, HttpServletRequest request) {
    Sku id = sku(sku);
    JsonRequest body = JsonRequest.parse(BodyFilter.of(request), false).allowOnly(PRODUCT_FIELDS);
    String name = body.requiredString("name", 256);
    Long pricePoints = body.optionalAmount("pricePoints");
    Long priceMinor = body.optionalAmount("priceMinor");
    String currency = body.optionalString("currency", 3);
    if (!body.has("pricePoints") && !body.has("priceMinor")) {
      body.problem(
          "pricePoints",
          "a product needs a price in points, in money (priceMinor and currency), or both");
    }
    if (body.has("priceMinor") && currency == null) {
      body.problem("currency", "is required with priceMinor");
    } else if (currency != null && !(assets.isKnown(currency) && assets.isCurrency(currency))) {
      body.problem("currency", "must be a currency the engine knows, such as USD");
    } else if (currency != null && !body.has("priceMinor")) {
      body.problem("priceMinor", "is required with currency");
    }
    body.throwIfInvalid();
    ProductResult result =
        commands.send(new DefineProduct(id, name, pricePoints, priceMinor, currency));
    return ResponseEntity.status(result.created() ? HttpStatus.CREATED : HttpStatus.OK)
        .body(view(result.product(), positions.answered(List.of(result.lastEvent()), true)));
  }

  @PostMapping("/v1/products/{sku}/stock-adjustments")
  @RequiresScope(Scope.LEDGER_WRITE)
  Map<String, Object> adjust(@PathVariable String sku, HttpServletRequest request) {
    Sku id = sku(sku);
    JsonRequest body =
        JsonRequest.parse(BodyFilter.of(request), false).allowOnly(ADJUSTMENT_FIELDS);
    Long delta = body.optionalLong("delta");
    if (!body.has("delta")) {
      body.problem("delta", "is required");
    } else if (delta != null && delta == 0) {
      body.problem("delta", "must not be zero");
    }
    String reason = body.requiredString("reason", 256);
    body.throwIfInvalid();
    ProductResult result = commands.send(new AdjustStock(id, delta, reason));
    return view(result.product(), positions.answered(List.of(result.lastEvent()), true));
  }

  @GetMapping("/v1/products/{sku}")
  @RequiresScope(Scope.LEDGER_READ)
  Map<String, Object> get(
      @PathVariable String sku, @RequestParam(required = false) String minPosition) {
    Sku id = sku(sku);
    long position =
        positions.await(CatalogProjection.NAME, Positions.parseMinPosition(minPosition));
    var row =
        queries
            .product(id.tenant().value(), id.value())
            .orElseThrow(() -> ApiException.notFound("product_not_found", "no product " + sku));
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("sku", row.sku());
    view.put("name", row.name());
    view.put("pricePoints", row.pricePoints());
    view.put("priceMinor", row.priceMinor());
    view.put("currency", row.currency());
    view.put("onHand", row.onHand());
    view.put("reserved", row.reserved());
    view.put("available", row.available());
    view.put("position", Math.max(position, row.lastPosition()));
    return view;
  }

  private static Map<String, Object> view(Product.State product, long position) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("sku", product.sku().value());
    view.put("name", product.name());
    view.put("pricePoints", product.pricePoints());
    view.put("priceMinor", product.priceMinor());
    view.put("currency", product.currency());
    view.put("onHand", product.onHand());
    view.put("reserved", product.reserved());
    view.put("available", product.available());
    view.put("position", position);
    return view;
  }

  static Sku sku(String sku) {
    if (!Sku.isValid(sku)) {
      throw ApiException.invalid("sku", "must be 1 to 64 characters of [A-Za-z0-9_.-]");
    }
    return Sku.of(RequestContext.current().tenant(), sku);
  }
}
