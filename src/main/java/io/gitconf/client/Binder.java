package io.gitconf.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;

/**
 * Binds a subtree of configuration to a Java type (a record or a bean) with Jackson: the one place
 * where the six trading records, a team's own categories and the syncer's binding check are bound,
 * so they accept and refuse the same values. Keys the type does not know are ignored (the schemas
 * refuse unknown keys); a missing primitive is refused rather than read as zero.
 *
 * <p>Thread-safe: Jackson's mapper is, once configured.
 */
final class Binder {
  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .addModule(new Jdk8Module())
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .build();

  private Binder() {}

  /** Why a subtree does not bind: the exact path of the offending value, and Jackson's reason. */
  static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;
    private final String path;
    private final String reason;

    Failure(String path, String reason) {
      super(path + ": " + reason, null, false, false);
      this.path = path;
      this.reason = reason;
    }

    /** The configuration path of the value that does not bind, e.g. {@code tokens.x.decimals}. */
    String path() {
      return path;
    }

    String reason() {
      return reason;
    }
  }

  /**
   * {@code node}, found at configuration path {@code path}, as a {@code type}.
   *
   * @throws Failure naming the path below {@code path} whose value does not fit
   */
  static <T> T bind(JsonNode node, String path, Class<T> type) throws Failure {
    try {
      return MAPPER.treeToValue(node, type);
    } catch (JsonMappingException e) {
      throw new Failure(path + jacksonPath(e), firstLine(e.getOriginalMessage()));
    } catch (Exception e) {
      throw new Failure(path, firstLine(e.getMessage()));
    }
  }

  /** Jackson's path below the bound node, in configuration notation: {@code .a.b[2].c}. */
  private static String jacksonPath(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference reference : e.getPath()) {
      if (reference.getFieldName() != null) {
        path.append('.').append(reference.getFieldName());
      } else if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static String firstLine(String message) {
    return message == null ? "no reason given" : message.lines().findFirst().orElse("");
  }
}
