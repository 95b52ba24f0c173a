package io.gitconf.core;

import com.fasterxml.jackson.databind.JsonNode;
import io.gitconf.core.crypto.EncryptedValue;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A file of values (as {@code gitconf export} writes it) applied to one environment as one change:
 * every value that differs from the environment's is written into its overlay. Values absent from
 * the file are left as they are; masked secrets ({@code ****}) are skipped, and so are ciphertexts
 * of another scope, which cannot be decrypted here (each is bound to its environment).
 *
 * <p>Remembers the counts of its last {@link #edit}, for the report; one {@link ConfigChange#apply}
 * at a time.
 */
public final class ImportValues implements Change {
  private final String environment;
  private final SortedMap<String, JsonNode> incoming;
  private final String origin;
  private volatile int values;
  private volatile int skippedSecrets;

  private ImportValues(String environment, SortedMap<String, JsonNode> incoming, String origin) {
    this.environment = environment;
    this.incoming = new TreeMap<>(incoming);
    this.origin = origin;
  }

  /**
   * @param incoming every leaf of the file by full path
   * @param origin the file, for messages
   */
  public static ImportValues of(
      String environment, SortedMap<String, JsonNode> incoming, String origin) {
    return new ImportValues(environment, incoming, origin);
  }

  @Override
  public String describe() {
    return origin + " applied to " + environment;
  }

  @Override
  public Optional<String> environment() {
    return Optional.of(environment);
  }

  @Override
  public Map<String, String> edit(ConfigRepository head) {
    Manifest manifest = head.requireManifest();
    ConfigSnapshot current = head.snapshot(environment);
    Map<String, String> edited = new LinkedHashMap<>();
    int changed = 0;
    int skipped = 0;
    for (Map.Entry<String, JsonNode> leaf : incoming.entrySet()) {
      ConfigPath path = ConfigPath.parse(leaf.getKey());
      JsonNode value = leaf.getValue();
      manifest.requireCategory(path, origin);
      boolean masked = value.isTextual() && value.asText().equals(SecretMask.MASK);
      if (masked || current.get(path).map(v -> Json.sameValue(v, value)).orElse(false)) {
        continue;
      }
      if (value.isTextual()
          && EncryptedValue.isEncrypted(value.asText())
          && !EncryptedValue.parse(value.asText()).scope().equals(environment)) {
        skipped++;
        continue;
      }
      String file = ConfigChange.overlayFile(environment, path.category());
      String text = edited.containsKey(file) ? edited.get(file) : ConfigChange.text(head, file);
      edited.put(
          file, OverlayEditor.set(file, text, path.segments().subList(1, path.depth()), value));
      changed++;
    }
    values = changed;
    skippedSecrets = skipped;
    return edited;
  }

  /** How many values the last edit wrote. */
  public int values() {
    return values;
  }

  /** How many ciphertexts of another environment the last edit skipped. */
  public int skippedSecrets() {
    return skippedSecrets;
  }
}
