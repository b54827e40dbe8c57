package dev.ledger.bench;

import java.util.SplittableRandom;

/**
 * Who pays whom. The four contention shapes of the field's public ledger benchmarks: no contention,
 * one account debited by every transfer, one credited by every transfer, and one pair of accounts
 * for everything. Account 0 is the hot one; account 1 the other end of the hot pair.
 */
enum Shape {
  UNIFORM("uniform", "random pairs of all accounts"),
  HOT_SOURCE("hot source", "one account debited, random credit"),
  HOT_DESTINATION("hot destination", "random debit, one account credited"),
  HOT_PAIR("hot pair", "always the same two accounts");

  final String title;
  final String description;

  Shape(String title, String description) {
    this.title = title;
    this.description = description;
  }

  /** The debit and credit account (indexes below {@code accounts}) of the next transfer. */
  int[] pick(SplittableRandom random, int accounts) {
    return switch (this) {
      case UNIFORM -> {
        int debit = random.nextInt(accounts);
        int credit = random.nextInt(accounts - 1);
        yield new int[] {debit, credit >= debit ? credit + 1 : credit};
      }
      case HOT_SOURCE -> new int[] {0, 1 + random.nextInt(accounts - 1)};
      case HOT_DESTINATION -> new int[] {1 + random.nextInt(accounts - 1), 0};
      case HOT_PAIR -> new int[] {0, 1};
    };
  }

  /** A short token for transfer ids. */
  String code() {
    return switch (this) {
      case UNIFORM -> "u";
      case HOT_SOURCE -> "hs";
      case HOT_DESTINATION -> "hd";
      case HOT_PAIR -> "hp";
    };
  }
}
