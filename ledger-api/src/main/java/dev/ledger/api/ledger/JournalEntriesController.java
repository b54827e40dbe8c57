package dev.ledger.api.ledger;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ledger.api.web.ApiException;
import dev.ledger.api.web.BodyFilter;
import dev.ledger.api.web.JsonRequest;
import dev.ledger.api.web.RequestContext;
import dev.ledger.api.web.RequiresScope;
import dev.ledger.api.web.Scope;
import dev.ledger.core.shared.JournalEntryId;
import dev.ledger.core.shared.Limits;
import dev.ledger.core.shared.ResourceId;
import dev.ledger.core.transfer.JournalEntryResult;
import dev.ledger.core.transfer.TransferCommands.PostJournalEntry;
import dev.ledger.core.transfer.TransferCommands.Posting;
import dev.ledger.projections.ledger.LedgerQueries;
import dev.ledger.projections.ledger.TransferProjection;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Journal entries: 1 to 64 postings that apply together or not at all. */
@RestController
@RequestMapping("/v1/journal-entries")
public class JournalEntriesController {
  private static final Set<String> FIELDS =
      Set.of("id", "postings", "code", "reference", "metadata");
  private static final Set<String> POSTING_FIELDS =
      Set.of("debitAccount", "creditAccount", "amount", "asset");

  private final LedgerCommands commands;
  private final LedgerQueries queries;
  private final Positions positions;
  private final TransferRequests requests;

  public JournalEntriesController(
      LedgerCommands commands,
      LedgerQueries queries,
      Positions positions,
      TransferRequests requests) {
    this.commands = commands;
    this.queries = queries;
    this.positions = positions;
    this.requests = requests;
  }

  @PostMapping
  @RequiresScope(Scope.LEDGER_WRITE)
  ResponseEntity<Object> create(HttpServletRequest request) {
    String tenant = RequestContext.current().tenant();
    JsonRequest body = JsonRequest.parse(BodyFilter.of(request), false).allowOnly(FIELDS);
    String id = body.optionalId("id");
    List<ObjectNode> items = body.requiredObjects("postings", 1, Limits.POSTINGS_PER_ENTRY_MAX);
    List<Posting> postings = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      JsonRequest posting =
          body.nested(items.get(i), "postings[" + i + "]").allowOnly(POSTING_FIELDS);
      String debit = posting.requiredAddress("debitAccount");
      String credit = posting.requiredAddress("creditAccount");
      Long amount = posting.requiredAmount("amount");
      String asset = requests.asset(posting, "asset");
      if (debit != null && debit.equals(credit)) {
        posting.problem("creditAccount", "must differ from debitAccount");
      }
      if (debit != null && credit != null && amount != null && asset != null) {
        postings.add(new Posting(debit, credit, amount, asset));
      }
    }
    String code = body.optionalString("code", Limits.CODE_LENGTH_MAX);
    String reference = body.optionalString("reference", Limits.REFERENCE_LENGTH_MAX);
    Map<String, String> metadata = body.optionalMetadata("metadata");
    body.throwIfInvalid();
    String entryId = TransferRequests.resourceId(id, request, tenant);
    JournalEntryResult result =
        commands.send(
            new PostJournalEntry(
                JournalEntryId.of(tenant, entryId), postings, code, reference, metadata));
    return ResponseEntity.status(result.created() ? HttpStatus.CREATED : HttpStatus.OK)
        .body(
            Views.journalEntry(
                result.entry(), positions.answered(result.events(), result.created())));
  }

  @GetMapping("/{id}")
  @RequiresScope(Scope.LEDGER_READ)
  Map<String, Object> get(
      @PathVariable String id, @RequestParam(required = false) String minPosition) {
    if (!ResourceId.isValid(id)) {
      throw ApiException.invalid("id", "must be 1 to 128 characters of [A-Za-z0-9_:.-]");
    }
    long position =
        positions.await(TransferProjection.NAME, Positions.parseMinPosition(minPosition));
    var row =
        queries
            .journalEntry(RequestContext.current().tenant(), id)
            .orElseThrow(
                () -> ApiException.notFound("journal_entry_not_found", "no journal entry " + id));
    return Views.journalEntry(row, position);
  }
}
