package io.gitconf.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One value set in the overlay of an environment (or {@code base/}), comments and layout kept: the
 * change of {@code gitconf set} and {@code ConfigManager.set}.
 *
 * <p>Remembers whether its path is a secret once {@link #edit} has read the schemas, so that its
 * description never shows such a value; one {@link ConfigChange#apply} at a time.
 */
final class SetValue implements Change {
  private final String environment;
  private final ConfigPath path;
  private final JsonNode value;
  private volatile boolean secret;

  SetValue(String environment, ConfigPath path, JsonNode value) {
    this.environment = environment;
    this.path = path;
    this.value = value;
  }

  @Override
  public String describe() {
    String shown =
        secret || SecretMask.isCiphertext(value)
            ? SecretMask.MASK
            : value.isTextual() ? value.asText() : Json.canonical(value);
    return path + " = " + shown + " in " + environment;
  }

  @Override
  public Optional<String> environment() {
    return Optional.of(environment);
  }

  @Override
  public Map<String, String> edit(ConfigRepository head) {
    head.requireManifest().requireCategory(path, "");
    secret = head.schemas().isSecret(path);
    String file = ConfigChange.overlayFile(environment, path.category());
    String text = ConfigChange.text(head, file);
    List<String> keys = path.segments().subList(1, path.depth());
    JsonNode written =
        NumberForm.written(path, value, replaced(head, file, text, keys), schemaOf(head));
    return Map.of(file, OverlayEditor.set(file, text, keys, written));
  }

  /** The value the new one replaces: the file's own, else the one the environment inherits. */
  private Optional<JsonNode> replaced(
      ConfigRepository head, String file, String text, List<String> keys) {
    if (!text.isBlank()) {
      JsonNode own = OverlayEditor.leaves(file, text).get(String.join(".", keys));
      if (own != null) {
        return Optional.of(own);
      }
    }
    return environment.equals("base") ? Optional.empty() : head.snapshot(environment).get(path);
  }

  private Optional<JsonNode> schemaOf(ConfigRepository head) {
    return head.schemas().schemaAt(path);
  }
}
