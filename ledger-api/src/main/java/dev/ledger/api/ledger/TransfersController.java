package dev.ledger.api.ledger;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ledger.api.config.LedgerProperties;
import dev.ledger.api.web.ApiException;
import dev.ledger.api.web.BodyFilter;
import dev.ledger.api.web.ErrorHandler;
import dev.ledger.api.web.JsonRequest;
import dev.ledger.api.web.Paging;
import dev.ledger.api.web.RequestContext;
import dev.ledger.api.web.RequiresScope;
import dev.ledger.api.web.Scope;
import dev.ledger.core.shared.AccountAddress;
import dev.ledger.core.shared.EventRef;
import dev.ledger.core.shared.LedgerRejection;
import dev.ledger.core.shared.Limits;
import dev.ledger.core.shared.ResourceId;
import dev.ledger.core.shared.TenantId;
import dev.ledger.core.shared.TransferId;
import dev.ledger.core.transfer.TransferBatchResult;
import dev.ledger.core.transfer.TransferCommands.PostPendingTransfer;
import dev.ledger.core.transfer.TransferCommands.PostTransfer;
import dev.ledger.core.transfer.TransferCommands.PostTransferBatch;
import dev.ledger.core.transfer.TransferCommands.VoidPendingTransfer;
import dev.ledger.core.transfer.TransferResult;
import dev.ledger.projections.ledger.LedgerQueries;
import dev.ledger.projections.ledger.TransferProjection;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.axonframework.modelling.command.ConcurrencyException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Transfers: post, pending (post, void), batch, read and list. */
@RestController
@RequestMapping("/v1/transfers")
public class TransfersController {
  private final LedgerCommands commands;
  private final LedgerQueries queries;
  private final Positions positions;
  private final Paging paging;
  private final TransferRequests requests;
  private final int batchSizeMax;

  public TransfersController(
      LedgerCommands commands,
      LedgerQueries queries,
      Positions positions,
      Paging paging,
      TransferRequests requests,
      LedgerProperties properties) {
    this.commands = commands;
    this.queries = queries;
    this.positions = positions;
    this.paging = paging;
    this.requests = requests;
    this.batchSizeMax = properties.http().batchSizeMax();
  }

  @PostMapping
  @RequiresScope(Scope.LEDGER_WRITE)
  ResponseEntity<Object> create(HttpServletRequest request) {
    String tenant = RequestContext.current().tenant();
    JsonRequest body = JsonRequest.parse(BodyFilter.of(request), false);
    var parsed = requests.parse(body, new TenantId(tenant));
    body.throwIfInvalid();
    String id = TransferRequests.resourceId(parsed.id(), request, tenant);
    TransferResult result =
        commands.send(new PostTransfer(TransferId.of(tenant, id), parsed.spec()));
    return ResponseEntity.status(result.created() ? HttpStatus.CREATED : HttpStatus.OK)
        .body(
            Views.transfer(
                result.transfer(), positions.answered(result.events(), result.created())));
  }

  @PostMapping("/{id}/post")
  @RequiresScope(Scope.LEDGER_WRITE)
  Map<String, Object> post(@PathVariable String id, HttpServletRequest request) {
    JsonRequest body = JsonRequest.parse(BodyFilter.of(request), true).allowOnly(Set.of("amount"));
    Long amount = body.optionalAmount("amount");
    body.throwIfInvalid();
    TransferResult result = commands.send(new PostPendingTransfer(transferId(id), amount));
    return Views.transfer(result.transfer(), positions.of(result.events()));
  }

  @PostMapping("/{id}/void")
  @RequiresScope(Scope.LEDGER_WRITE)
  Map<String, Object> voidPending(@PathVariable String id, HttpServletRequest request) {
    JsonRequest.parse(BodyFilter.of(request), true).allowOnly(Set.of()).throwIfInvalid();
    TransferResult result = commands.send(new VoidPendingTransfer(transferId(id)));
    return Views.transfer(result.transfer(), positions.of(result.events()));
  }

  /**
   * Up to {@code batchSizeMax} transfers, each with its id, each standing alone. New posted
   * transfers go to the engine as one command, so that the whole batch costs one unit of work: its
   * accounts loaded and locked once, its events appended in one transaction. Repeated ids, ids
   * already recorded and pending transfers go one by one, as single requests would; so does the
   * whole batch if it lost a race to another writer.
   */
  @PostMapping("/batch")
  @RequiresScope(Scope.LEDGER_WRITE)
  Map<String, Object> batch(HttpServletRequest request) {
    String tenant = RequestContext.current().tenant();
    JsonRequest body =
        JsonRequest.parse(BodyFilter.of(request), false).allowOnly(Set.of("transfers"));
    List<ObjectNode> items = body.requiredObjects("transfers", 1, batchSizeMax);
    body.throwIfInvalid();
    List<Map<String, Object>> results = new ArrayList<>(items.size());
    PostTransfer[] commands = new PostTransfer[items.size()];
    List<Integer> together = new ArrayList<>();
    List<Integer> oneByOne = new ArrayList<>();
    Set<String> ids = new java.util.HashSet<>();
    for (int index = 0; index < items.size(); index++) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("index", index);
      results.add(result);
      JsonRequest item = JsonRequest.of(items.get(index));
      var parsed = requests.parse(item, new TenantId(tenant));
      if (parsed.id() == null && !item.hasProblems()) {
        item.problem("id", "is required in a batch");
      }
      if (item.hasProblems()) {
        result.put("status", "rejected");
        result.put("code", "validation_failed");
        result.put(
            "errors",
            item.problems().stream()
                .map(p -> Map.of("field", p.field(), "message", p.message()))
                .toList());
        continue;
      }
      commands[index] = new PostTransfer(TransferId.of(tenant, parsed.id()), parsed.spec());
      if (!parsed.spec().pending() && ids.add(parsed.id())) {
        together.add(index);
      } else {
        oneByOne.add(index);
      }
    }
    Set<String> recorded =
        positions.recorded(
            together.stream().map(i -> commands[i].transferId().toString()).toList());
    if (!recorded.isEmpty()) {
      for (Integer index : List.copyOf(together)) {
        if (recorded.contains(commands[index].transferId().toString())) {
          together.remove(index);
          oneByOne.add(index);
        }
      }
    }
    long position = 0;
    if (!together.isEmpty()) {
      try {
        TransferBatchResult outcome =
            this.commands.send(
                new PostTransferBatch(together.stream().map(i -> commands[i]).toList()));
        long[] at =
            positions.ofEach(
                outcome.items().stream()
                    .map(
                        item ->
                            item.result() == null ? List.<EventRef>of() : item.result().events())
                    .toList());
        for (int k = 0; k < together.size(); k++) {
          TransferBatchResult.Item item = outcome.items().get(k);
          Map<String, Object> result = results.get(together.get(k));
          if (item.result() != null) {
            position = Math.max(position, at[k]);
            result.put("status", "created");
            result.put("transfer", Views.transfer(item.result().transfer(), at[k]));
          } else {
            rejected(result, item.rejection());
          }
        }
      } catch (ConcurrencyException
          | org.axonframework.modelling.command.AggregateStreamCreationException contention) {
        oneByOne.addAll(together);
      }
    }
    oneByOne.sort(null);
    for (int index : oneByOne) {
      Map<String, Object> result = results.get(index);
      try {
        TransferResult outcome = this.commands.send(commands[index]);
        long at = positions.answered(outcome.events(), outcome.created());
        position = Math.max(position, at);
        result.put("status", outcome.created() ? "created" : "exists");
        result.put("transfer", Views.transfer(outcome.transfer(), at));
      } catch (LedgerRejection rejection) {
        rejected(result, rejection);
      } catch (ConcurrencyException
          | org.axonframework.modelling.command.AggregateStreamCreationException contention) {
        result.put("status", "rejected");
        result.put("code", "unavailable");
        result.put("detail", "contention; retry this item");
      }
    }
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("results", results);
    view.put("position", position);
    return view;
  }

  private static void rejected(Map<String, Object> result, LedgerRejection rejection) {
    result.put("status", "rejected");
    result.put("code", rejection.rejection().code());
    result.put("detail", rejection.getMessage());
    result.put("httpStatus", ErrorHandler.statusOf(rejection.rejection()).value());
  }

  @GetMapping("/{id}")
  @RequiresScope(Scope.LEDGER_READ)
  Map<String, Object> get(
      @PathVariable String id, @RequestParam(required = false) String minPosition) {
    checkId(id);
    long position =
        positions.await(TransferProjection.NAME, Positions.parseMinPosition(minPosition));
    var row =
        queries
            .transfer(RequestContext.current().tenant(), id)
            .orElseThrow(() -> ApiException.notFound("transfer_not_found", "no transfer " + id));
    return Views.transfer(row, position);
  }

  @GetMapping
  @RequiresScope(Scope.LEDGER_READ)
  Map<String, Object> list(
      @RequestParam(required = false) String account,
      @RequestParam(required = false) String reference,
      @RequestParam(required = false) String limit,
      @RequestParam(required = false) String cursor,
      @RequestParam(required = false) String minPosition) {
    if (account != null && !AccountAddress.isValid(account)) {
      throw ApiException.invalid("account", "must be an account address");
    }
    if (reference != null
        && (reference.isEmpty() || reference.length() > Limits.REFERENCE_LENGTH_MAX)) {
      throw ApiException.invalid(
          "reference", "must be 1 to " + Limits.REFERENCE_LENGTH_MAX + " characters");
    }
    int size = paging.limit(limit);
    Paging.checkCursor(cursor);
    long position =
        positions.await(TransferProjection.NAME, Positions.parseMinPosition(minPosition));
    var page =
        queries.transfers(RequestContext.current().tenant(), account, reference, size, cursor);
    return Views.page(
        page.data().stream().map(t -> Views.transfer(t, t.lastPosition())).toList(),
        page.nextCursor(),
        position);
  }

  private static TransferId transferId(String id) {
    checkId(id);
    return TransferId.of(RequestContext.current().tenant(), id);
  }

  private static void checkId(String id) {
    if (!ResourceId.isValid(id)) {
      throw ApiException.invalid("id", "must be 1 to 128 characters of [A-Za-z0-9_:.-]");
    }
  }
}
