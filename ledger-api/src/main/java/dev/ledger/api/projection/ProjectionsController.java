package dev.ledger.api.projection;

import dev.ledger.api.ledger.Positions;
import dev.ledger.api.web.ApiException;
import dev.ledger.api.web.RequestContext;
import dev.ledger.api.web.RequiresScope;
import dev.ledger.api.web.Scope;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.axonframework.eventhandling.EventProcessor;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The read models and their replays, for operators ({@code admin}): where each projection is in the
 * history, how far behind the head, whether it runs, and a replay that rebuilds it from the history
 * while it keeps answering reads.
 */
@RestController
public class ProjectionsController {
  private final ReadModels readModels;
  private final ProjectionReplays replays;
  private final Positions positions;

  public ProjectionsController(
      ReadModels readModels, ProjectionReplays replays, Positions positions) {
    this.readModels = readModels;
    this.replays = replays;
    this.positions = positions;
  }

  @GetMapping("/v1/admin/projections")
  @RequiresScope(Scope.ADMIN)
  List<Map<String, Object>> projections() {
    long head = positions.head();
    return readModels.all().stream().map(model -> view(model, head)).toList();
  }

  @GetMapping("/v1/admin/projections/{name}")
  @RequiresScope(Scope.ADMIN)
  Map<String, Object> projection(@PathVariable String name) {
    return view(model(name), positions.head());
  }

  @PostMapping("/v1/admin/projections/{name}/replay")
  @RequiresScope(Scope.ADMIN)
  ResponseEntity<Map<String, Object>> replay(@PathVariable String name) {
    ReadModel model = model(name);
    Replay replay;
    try {
      replay = replays.request(model, RequestContext.current().keyId());
    } catch (ReplayStore.ReplayRunning e) {
      throw new ApiException(
          HttpStatus.CONFLICT,
          "replay_in_progress",
          "a replay of " + name + " is under way; wait for it to finish");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", model.name());
    body.put("status", "REPLAYING");
    body.put("replay", replay(replay));
    return ResponseEntity.status(HttpStatus.ACCEPTED).body(body);
  }

  private ReadModel model(String name) {
    return readModels
        .find(name)
        .orElseThrow(
            () ->
                ApiException.notFound(
                    "projection_not_found",
                    "no projection " + (name.length() > 64 ? name.substring(0, 64) : name)));
  }

  private Map<String, Object> view(ReadModel model, long head) {
    long position = Math.max(positions.reached(model.name()), 0);
    Optional<Replay> replay = replays.latest(model.name());
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("name", model.name());
    view.put("position", position);
    view.put("headPosition", head);
    view.put("lag", Math.max(0, head - position));
    view.put("status", status(model, replay));
    view.put("tables", model.tables());
    view.put("replay", replay.map(ProjectionsController::replay).orElse(null));
    return view;
  }

  /**
   * {@code REPLAYING} while a replay is under way (on any instance); otherwise this instance's
   * processor: {@code RUNNING}, {@code ERROR} (it is retrying after a failure) or {@code STOPPED}.
   */
  private String status(ReadModel model, Optional<Replay> replay) {
    if (replay.isPresent() && replay.get().state().active()) {
      return "REPLAYING";
    }
    Optional<EventProcessor> processor = replays.processor(model.name());
    if (processor.isEmpty() || !processor.get().isRunning()) {
      return "STOPPED";
    }
    return processor.get().isError() ? "ERROR" : "RUNNING";
  }

  private static Map<String, Object> replay(Replay replay) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", replay.id());
    view.put("state", replay.state().name());
    view.put("position", replay.position());
    view.put("eventsApplied", replay.eventsApplied());
    view.put("requestedBy", replay.requestedBy());
    view.put("requestedAt", replay.requestedAt().toString());
    view.put("runner", replay.runner());
    view.put("finishedAt", replay.finishedAt() == null ? null : replay.finishedAt().toString());
    view.put("error", replay.error());
    return view;
  }
}
