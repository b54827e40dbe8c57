package dev.ledger.api.config;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.annotation.Nonnull;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.ChainingConverter;
import org.axonframework.serialization.RevisionResolver;
import org.axonframework.serialization.SerializationException;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.UnknownSerializedType;
import org.axonframework.serialization.json.JacksonSerializer;

/**
 * Axon's Jackson serializer, with what it looks up again for every message kept instead: the class
 * of each type name, the reader of each class, and a plain map reader for metadata. Every event
 * processor reads every event of the history, and for each Axon resolves the payload's class by
 * name, builds a reader for it, and deserializes the metadata (its correlation providers read it
 * even for events no handler wants) through a deserializer that looks up its map deserializer on
 * each call. Measured with ledger-bench during a replay: about a tenth of the engine's CPU time.
 *
 * <p>What is written, and what a read answers, are unchanged: the classes are those Jackson finds,
 * names it cannot find are answered as {@link UnknownSerializedType} (and not kept here), and
 * metadata is read into a map of the same untyped values as before.
 */
final class CachingJacksonSerializer extends JacksonSerializer {
  /** More distinct class names than the engine has message types, so the map stays small. */
  private static final int CLASSES_MAX = 10_000;

  private final ObjectMapper objectMapper;
  private final Map<String, Class<?>> classes = new ConcurrentHashMap<>();
  private final Map<Class<?>, ObjectReader> readers = new ConcurrentHashMap<>();
  private final ObjectReader metaDataReader;

  private CachingJacksonSerializer(Builder builder, ObjectMapper objectMapper) {
    super(builder);
    this.objectMapper = objectMapper;
    this.metaDataReader = objectMapper.readerFor(new TypeReference<Map<String, Object>>() {});
  }

  /** The serializer over {@code objectMapper}, as Axon's auto-configuration would build it. */
  static CachingJacksonSerializer create(
      ObjectMapper objectMapper, RevisionResolver revisionResolver, ClassLoader classLoader) {
    Builder builder =
        JacksonSerializer.builder()
            .revisionResolver(revisionResolver)
            .converter(new ChainingConverter(classLoader))
            .objectMapper(objectMapper);
    return new CachingJacksonSerializer(builder, objectMapper);
  }

  @Override
  @SuppressWarnings("rawtypes")
  public Class classForType(@Nonnull SerializedType type) {
    Class<?> known = classes.get(type.getName());
    if (known != null) {
      return known;
    }
    Class<?> found = super.classForType(type);
    if (!UnknownSerializedType.class.equals(found)
        && !Void.class.equals(found)
        && classes.size() < CLASSES_MAX) {
      classes.put(type.getName(), found);
    }
    return found;
  }

  @Override
  protected ObjectReader getReader(Class<?> type) {
    return readers.computeIfAbsent(type, objectMapper::readerFor);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <S, T> T deserialize(@Nonnull SerializedObject<S> serializedObject) {
    if (!MetaData.class.getName().equals(serializedObject.getType().getName())) {
      return super.deserialize(serializedObject);
    }
    try {
      Map<String, Object> values;
      if (JsonNode.class.equals(serializedObject.getContentType())) {
        values = metaDataReader.readValue((JsonNode) serializedObject.getData());
      } else {
        values =
            metaDataReader.readValue(
                getConverter().convert(serializedObject, byte[].class).getData());
      }
      return values == null ? null : (T) MetaData.from(values);
    } catch (IOException e) {
      throw new SerializationException("Error while deserializing metadata", e);
    }
  }
}
