package io.gitconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.gitconf.core.ConfigPath;
import io.gitconf.core.ConfigRepository;
import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Json;
import io.gitconf.core.SecretMask;
import io.gitconf.core.crypto.EncryptedValue;
import io.gitconf.core.crypto.SecretCipher;
import io.gitconf.core.crypto.SecretRules;
import java.util.Iterator;
import java.util.Map;

/** How values are shown on a terminal: scalars bare, maps and lists as YAML, secrets masked. */
final class Values {
  private Values() {}

  /** The value with every secret inside it masked. */
  static JsonNode display(ConfigRepository repository, ConfigPath path, JsonNode value) {
    if (value instanceof ObjectNode map) {
      ObjectNode copy = map.deepCopy();
      for (Iterator<Map.Entry<String, JsonNode>> it = copy.properties().iterator();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        field.setValue(display(repository, path.child(field.getKey()), field.getValue()));
      }
      return copy;
    }
    return SecretMask.forDisplay(repository.schemas(), path, value);
  }

  /**
   * The plaintext of one secret, decrypted with the keys in the environment under the scope of the
   * file that holds it. Anything but a single encrypted value is shown as {@link #display} would.
   */
  static JsonNode reveal(
      ConfigRepository repository, ConfigSnapshot snapshot, ConfigPath path, JsonNode value) {
    if (!value.isTextual() || !EncryptedValue.isEncrypted(value.asText())) {
      if (repository.schemas().isSecret(path)) {
        throw new GitconfException.BadRequest(
            path + ": not encrypted, so there is nothing to reveal (run gitconf validate)");
      }
      return display(repository, path, value);
    }
    String file = snapshot.origin(path).map(o -> o.file()).orElse("");
    String scope =
        SecretRules.scopeOf(file)
            .orElseThrow(
                () ->
                    new GitconfException.BadRequest(
                        path + ": cannot tell which scope encrypted it"));
    return TextNode.valueOf(
        SecretCipher.of(Keys.fromEnvironment()).decrypt(path, scope, value.asText()).reveal());
  }

  /**
   * A value read from the mirror, which keeps no provenance: ciphertext is masked, or with {@code
   * reveal} decrypted under the scope the value itself names (the mirror only ever holds values
   * that passed the scope check when their commit was mirrored).
   */
  static JsonNode fromMirror(
      ConfigSnapshot snapshot, ConfigPath path, JsonNode value, boolean reveal) {
    return fromMirror(path, value, reveal);
  }

  /** As {@link #fromMirror(ConfigSnapshot, ConfigPath, JsonNode, boolean)}, for a relay's value. */
  static JsonNode fromMirror(ConfigPath path, JsonNode value, boolean reveal) {
    if (value instanceof ObjectNode map) {
      ObjectNode copy = map.deepCopy();
      copy.properties()
          .forEach(f -> f.setValue(fromMirror(path.child(f.getKey()), f.getValue(), false)));
      return copy;
    }
    if (!SecretMask.isCiphertext(value)) {
      return value;
    }
    if (!reveal) {
      return SecretMask.MASKED;
    }
    String scope = EncryptedValue.parse(value.asText()).scope();
    return TextNode.valueOf(
        SecretCipher.of(Keys.fromEnvironment()).decrypt(path, scope, value.asText()).reveal());
  }

  static String text(JsonNode value) {
    if (value.isContainerNode()) {
      return Json.yaml(value).stripTrailing();
    }
    return value.isNull() ? "null" : value.asText();
  }
}
