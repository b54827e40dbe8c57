package dev.ledger.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.core.shared.TenantId;
import java.util.List;
import java.util.Map;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.AnnotationRevisionResolver;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.UnknownSerializedType;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.Test;

/** The caching serializer writes and reads exactly what Axon's own Jackson serializer does. */
class CachingJacksonSerializerTest {
  private final CachingJacksonSerializer caching =
      CachingJacksonSerializer.create(
          new AxonConfig().axonObjectMapper(),
          new AnnotationRevisionResolver(),
          getClass().getClassLoader());
  private final JacksonSerializer axons =
      JacksonSerializer.builder().objectMapper(new AxonConfig().axonObjectMapper()).build();

  @Test
  void readsMetadataAsAxonsSerializerDoes() {
    MetaData metaData =
        MetaData.from(
            Map.of(
                "tenant",
                "acme",
                "count",
                3,
                "nested",
                Map.of("list", List.of(1, "two")),
                "absent",
                "")); // an empty string stays a string
    SerializedObject<byte[]> written = axons.serialize(metaData, byte[].class);

    MetaData read = caching.deserialize(written);
    assertThat(read).isEqualTo(axons.deserialize(written)).isEqualTo(metaData);
    // twice: the second read uses what the first one kept
    assertThat((MetaData) caching.deserialize(written)).isEqualTo(metaData);
    assertThat(caching.serialize(metaData, byte[].class).getData()).isEqualTo(written.getData());
  }

  @Test
  void readsEmptyAndNullMetadata() {
    SerializedObject<byte[]> empty = axons.serialize(MetaData.emptyInstance(), byte[].class);
    assertThat((MetaData) caching.deserialize(empty)).isEqualTo(MetaData.emptyInstance());
    SerializedObject<byte[]> nothing =
        new SimpleSerializedObject<>(
            "null".getBytes(),
            byte[].class,
            new SimpleSerializedType(MetaData.class.getName(), null));
    assertThat((Object) caching.deserialize(nothing)).isNull();
  }

  @Test
  void readsPayloadsAndKnowsTheirClassesAgain() {
    TenantId tenant = new TenantId("acme");
    SerializedObject<byte[]> written = caching.serialize(tenant, byte[].class);
    assertThat((Object) caching.deserialize(written)).isEqualTo(tenant);
    assertThat((Object) caching.deserialize(written)).isEqualTo(tenant);
    assertThat(caching.classForType(written.getType())).isEqualTo(TenantId.class);
    assertThat(caching.classForType(written.getType())).isEqualTo(TenantId.class);
  }

  @Test
  void answersAnUnknownTypeAsUnknownEveryTime() {
    SimpleSerializedType unknown = new SimpleSerializedType("com.example.Gone", null);
    assertThat(caching.classForType(unknown)).isEqualTo(UnknownSerializedType.class);
    assertThat(caching.classForType(unknown)).isEqualTo(UnknownSerializedType.class);
    Object read =
        caching.deserialize(new SimpleSerializedObject<>("{}".getBytes(), byte[].class, unknown));
    assertThat(read).isInstanceOf(UnknownSerializedType.class);
  }
}
