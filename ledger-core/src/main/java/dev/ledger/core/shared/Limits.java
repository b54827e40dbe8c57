package dev.ledger.core.shared;

/** Limits of the domain, each named with its unit. */
public final class Limits {
  /** Postings in one journal entry. */
  public static final int POSTINGS_PER_ENTRY_MAX = 64;

  /** Entries in a metadata map, and the length of its keys and values in characters. */
  public static final int METADATA_ENTRIES_MAX = 32;

  public static final int METADATA_KEY_LENGTH_MAX = 64;
  public static final int METADATA_VALUE_LENGTH_MAX = 512;

  /** Length of a transfer's code and reference in characters. */
  public static final int CODE_LENGTH_MAX = 64;

  public static final int REFERENCE_LENGTH_MAX = 256;

  /** The longest a pending transfer may wait before the engine voids it: 30 days. */
  public static final long PENDING_TIMEOUT_SECONDS_MAX = 30L * 24 * 3600;

  private Limits() {}
}
