package dev.ledger.api.projection;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The shadow tables of a replay: a schema of their own ({@link ReadModel#shadowSchema()}) with a
 * copy of each live table's definition (columns, defaults, constraints, indexes) and none of its
 * rows.
 */
final class Shadow {
  private final JdbcTemplate jdbc;
  private final String liveSchema;
  private final ReadModel model;

  Shadow(JdbcTemplate jdbc, String liveSchema, ReadModel model) {
    this.jdbc = jdbc;
    this.liveSchema = liveSchema;
    this.model = model;
  }

  boolean exists() {
    Integer tables =
        jdbc.queryForObject(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ANY (?)",
            Integer.class,
            model.shadowSchema(),
            model.tables().toArray(String[]::new));
    return tables != null && tables == model.tables().size();
  }

  /** Empty shadow tables, in place of whatever a previous run left. */
  void create() {
    String schema = quote(model.shadowSchema());
    jdbc.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    jdbc.execute("CREATE SCHEMA " + schema);
    for (String table : model.tables()) {
      jdbc.execute(
          "CREATE TABLE "
              + schema
              + "."
              + quote(table)
              + " (LIKE "
              + quote(liveSchema)
              + "."
              + quote(table)
              + " INCLUDING ALL)");
    }
  }

  /**
   * Replaces the rows of each live table by the shadow's. Deleting and inserting (rather than
   * renaming tables) keeps the live tables themselves, so the views on them, their grants and their
   * statistics stay, and readers are never locked out: until the transaction commits they see the
   * old rows.
   */
  void copyIntoLive() {
    for (String table : model.tables()) {
      String live = quote(liveSchema) + "." + quote(table);
      jdbc.execute("DELETE FROM " + live);
      jdbc.execute(
          "INSERT INTO "
              + live
              + " SELECT * FROM "
              + quote(model.shadowSchema())
              + "."
              + quote(table));
    }
  }

  void drop() {
    jdbc.execute("DROP SCHEMA IF EXISTS " + quote(model.shadowSchema()) + " CASCADE");
  }

  static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }
}
