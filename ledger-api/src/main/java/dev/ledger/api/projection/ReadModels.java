package dev.ledger.api.projection;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every read model of the engine, by name. */
public final class ReadModels {
  private final Map<String, ReadModel> byName = new LinkedHashMap<>();

  public ReadModels(List<ReadModel> models) {
    for (ReadModel model : models) {
      if (byName.put(model.name(), model) != null) {
        throw new IllegalArgumentException("two read models named " + model.name());
      }
    }
  }

  public Optional<ReadModel> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public List<ReadModel> all() {
    return List.copyOf(byName.values());
  }
}
