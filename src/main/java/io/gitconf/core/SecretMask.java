package io.gitconf.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Masks secret values before anything is shown: a path the schema marks {@code x-secret} is printed
 * as {@code ****}. Ciphertext ({@code ENC[...]}) may be kept where the output is meant to be
 * re-imported; plaintext never is.
 */
public final class SecretMask {
  public static final String MASK = "****";
  public static final TextNode MASKED = TextNode.valueOf(MASK);

  /** Ciphertext quoted by a message (a typed binding naming the value it could not read). */
  private static final Pattern CIPHERTEXT = Pattern.compile("ENC\\[[^\\]]*\\]");

  private SecretMask() {}

  /** A message as it may be stored or shown: any ciphertext it quotes reads {@code ****}. */
  public static String inText(String message) {
    return CIPHERTEXT.matcher(message).replaceAll(MASK);
  }

  /** True for a value in the encrypted-secret format. */
  public static boolean isCiphertext(JsonNode value) {
    return value != null
        && value.isTextual()
        && value.asText().startsWith("ENC[")
        && value.asText().endsWith("]");
  }

  /**
   * The value to show for a path: {@code ****} for secrets (and any ciphertext), the value
   * otherwise.
   */
  public static JsonNode forDisplay(SchemaSet schemas, ConfigPath path, JsonNode value) {
    if (schemas.isSecret(path) || isCiphertext(value)) {
      return MASKED;
    }
    return value.isArray() && containsCiphertext(value) ? maskCiphertext(value.deepCopy()) : value;
  }

  private static boolean containsCiphertext(JsonNode node) {
    if (isCiphertext(node)) {
      return true;
    }
    for (JsonNode child : node) {
      if (containsCiphertext(child)) {
        return true;
      }
    }
    return false;
  }

  /** A list's items are leaves of no path of their own: any ciphertext among them is masked. */
  private static JsonNode maskCiphertext(JsonNode node) {
    if (node instanceof com.fasterxml.jackson.databind.node.ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        array.set(i, isCiphertext(array.get(i)) ? MASKED : maskCiphertext(array.get(i)));
      }
    } else if (node instanceof ObjectNode object) {
      object
          .properties()
          .forEach(
              f -> f.setValue(isCiphertext(f.getValue()) ? MASKED : maskCiphertext(f.getValue())));
    }
    return node;
  }

  /**
   * A copy of a category tree with every secret masked. With {@code keepCiphertext}, encrypted
   * values stay as they are (safe to export and import again); plaintext in a secret path is always
   * masked.
   */
  public static ObjectNode maskTree(
      SchemaSet schemas, String category, ObjectNode tree, boolean keepCiphertext) {
    ObjectNode copy = tree.deepCopy();
    mask(schemas, ConfigPath.of(category), copy, keepCiphertext);
    return copy;
  }

  private static void mask(
      SchemaSet schemas, ConfigPath path, ObjectNode node, boolean keepCiphertext) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      ConfigPath child = path.child(field.getKey());
      JsonNode value = field.getValue();
      if (value instanceof ObjectNode object) {
        mask(schemas, child, object, keepCiphertext);
      } else if (value.isArray() && !keepCiphertext && !schemas.isSecret(child)) {
        field.setValue(forDisplay(schemas, child, value));
      } else if (schemas.isSecret(child) || isCiphertext(value)) {
        if (!(keepCiphertext && isCiphertext(value))) {
          field.setValue(MASKED);
        }
      }
    }
  }
}
