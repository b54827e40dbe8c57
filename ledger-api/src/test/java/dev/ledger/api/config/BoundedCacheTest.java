package dev.ledger.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.axonframework.common.Registration;
import org.axonframework.common.caching.Cache;
import org.junit.jupiter.api.Test;

/** The aggregate cache keeps at most its capacity, least recently used out first, and says so. */
class BoundedCacheTest {
  private final CheckedCachingRepository.Bounded cache = new CheckedCachingRepository.Bounded(2);
  private final List<String> heard = new ArrayList<>();
  private final Registration registration =
      cache.registerCacheEntryListener(
          new Cache.EntryListenerAdapter() {
            @Override
            public void onEntryCreated(Object key, Object value) {
              heard.add("created " + key);
            }

            @Override
            public void onEntryUpdated(Object key, Object value) {
              heard.add("updated " + key);
            }

            @Override
            public void onEntryRead(Object key, Object value) {
              heard.add("read " + key);
            }

            @Override
            public void onEntryRemoved(Object key) {
              heard.add("removed " + key);
            }

            @Override
            public void onEntryExpired(Object key) {
              heard.add("expired " + key);
            }
          });

  @Test
  void keepsItsCapacityAndTellsItsListeners() {
    cache.put("a", 1);
    cache.put("b", 2);
    assertThat((Integer) cache.get("a")).isEqualTo(1); // b is now the least recently used
    cache.put("c", 3);
    cache.put("c", 4);
    assertThat(cache.putIfAbsent("c", 5)).isFalse();
    assertThat(cache.remove("a")).isTrue();
    assertThat(cache.remove("a")).isFalse();

    assertThat(cache.containsKey("b")).isFalse();
    assertThat((Integer) cache.get("c")).isEqualTo(4);
    assertThat(heard)
        .containsExactly(
            "created a",
            "created b",
            "read a",
            "expired b",
            "created c",
            "updated c",
            "removed a",
            "read c");
  }

  @Test
  void removesEverythingAndStopsTellingAListenerThatLeft() {
    cache.put("a", 1);
    cache.put("b", 2);
    cache.removeAll();
    assertThat(cache.containsKey("a")).isFalse();
    assertThat(heard).containsExactly("created a", "created b", "removed a", "removed b");

    registration.cancel();
    cache.put("c", 3);
    assertThat(heard).hasSize(4);
  }
}
