package dev.ledger.api.projection;

import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A read model that can be replayed: the processing group of its projection, every table the
 * projection writes, and how to make a fresh instance of its event handlers on a {@link
 * JdbcTemplate}. A replay builds the tables aside, in a schema of their own; the projection's SQL
 * names its tables without a schema, and there it finds only these, so a table missing from the
 * list makes the replay fail rather than write into the live one.
 *
 * @param name the processing group, which is also the processor's name
 */
public record ReadModel(String name, List<String> tables, Function<JdbcTemplate, Object> handlers) {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,39}");
  private static final Pattern TABLE = Pattern.compile("[a-z][a-z0-9_]{0,62}");

  public ReadModel {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("a read model's name is [a-z][a-z0-9_]{0,39}: " + name);
    }
    if (tables.isEmpty() || !tables.stream().allMatch(t -> TABLE.matcher(t).matches())) {
      throw new IllegalArgumentException("the tables of " + name + " are plain names: " + tables);
    }
    tables = List.copyOf(tables);
  }

  /** The schema a replay of this read model builds its tables in. */
  public String shadowSchema() {
    return "ledger_replay_" + name;
  }
}
