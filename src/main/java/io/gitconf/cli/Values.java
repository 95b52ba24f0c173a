package io.gitconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.ConfigPath;
import io.gitconf.core.ConfigRepository;
import io.gitconf.core.Json;
import io.gitconf.core.SecretMask;
import java.util.Iterator;
import java.util.Map;

/** How values are shown on a terminal: scalars bare, maps and lists as YAML, secrets masked. */
final class Values {
  private Values() {}

  /** The value with every secret inside it masked. */
  static JsonNode display(ConfigRepository repository, ConfigPath path, JsonNode value) {
    if (value instanceof ObjectNode map) {
      ObjectNode copy = map.deepCopy();
      for (Iterator<Map.Entry<String, JsonNode>> it = copy.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        field.setValue(display(repository, path.child(field.getKey()), field.getValue()));
      }
      return copy;
    }
    return SecretMask.forDisplay(repository.schemas(), path, value);
  }

  static String text(JsonNode value) {
    if (value.isContainerNode()) {
      return Json.yaml(value).stripTrailing();
    }
    return value.isNull() ? "null" : value.asText();
  }
}
