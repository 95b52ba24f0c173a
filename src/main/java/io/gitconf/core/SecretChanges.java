package io.gitconf.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.gitconf.core.crypto.EncryptedValue;
import io.gitconf.core.crypto.EncryptionKeys;
import io.gitconf.core.crypto.SecretCipher;
import io.gitconf.core.crypto.SecretRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * The changes that write secrets, {@code gitconf secrets encrypt} and {@code secrets rotate}: they
 * write only ciphertext, under the current key id, and refuse to write under a key id that the
 * repository already uses for another key (two keys under one id cannot both be read, and a later
 * rotation could not decrypt the older values).
 *
 * <p>Stateless; a rotation remembers its count for the report.
 */
public final class SecretChanges {
  private SecretChanges() {}

  /**
   * Refuses an unknown environment and a path the schema does not mark {@code x-secret}, before a
   * secret is read.
   */
  public static void requireSecretPath(
      ConfigRepository repository, String environment, ConfigPath path) {
    if (!environment.equals("base")) {
      repository.requireManifest().requireEnvironment(environment);
    }
    if (!repository.schemas().isSecret(path)) {
      throw new GitconfException.BadRequest(
          path + " is not marked x-secret in its schema; only secret paths are encrypted");
    }
  }

  /**
   * Writes {@code ciphertext}, encrypted for {@code path} in {@code environment}, into its overlay.
   */
  public static Change encrypt(
      String environment, ConfigPath path, String ciphertext, EncryptionKeys keys) {
    return new Change() {
      @Override
      public String describe() {
        return path + " (encrypted) in " + environment;
      }

      @Override
      public Optional<String> environment() {
        return Optional.of(environment);
      }

      @Override
      public Map<String, String> edit(ConfigRepository head) {
        requireSecretPath(head, environment, path);
        requireOwnKeyId(head, keys);
        String file = ConfigChange.overlayFile(environment, path.category());
        return Map.of(
            file,
            OverlayEditor.set(
                file,
                ConfigChange.text(head, file),
                path.segments().subList(1, path.depth()),
                TextNode.valueOf(ciphertext)));
      }
    };
  }

  /** Re-encrypts every secret that is not under key {@code kid} yet. */
  public static Rotation rotate(EncryptionKeys keys, String kid) {
    return new Rotation(keys, kid);
  }

  /** A rotation: every value not under the current key id, decrypted and encrypted under it. */
  public static final class Rotation implements Change {
    private final EncryptionKeys keys;
    private final String kid;
    private volatile int count;

    private Rotation(EncryptionKeys keys, String kid) {
      if (!keys.currentKeyId().equals(kid)) {
        throw new GitconfException.BadRequest(
            "the current key id is "
                + keys.currentKeyId()
                + ", not "
                + kid
                + ": set "
                + EncryptionKeys.MASTER_KEY_ID
                + "="
                + kid
                + " and provide that key, keeping the old one as GITCONF_MASTER_KEY_<OLD>");
      }
      this.keys = keys;
      this.kid = kid;
    }

    @Override
    public String describe() {
      return "rotating every secret to key " + kid;
    }

    @Override
    public Optional<String> environment() {
      return Optional.empty();
    }

    @Override
    public Map<String, String> edit(ConfigRepository head) {
      requireOwnKeyId(head, keys);
      SecretCipher cipher = SecretCipher.of(keys);
      Map<String, String> rewritten = new LinkedHashMap<>();
      int rotated = 0;
      for (String file : head.tree().files()) {
        Optional<String> scope = SecretRules.scopeOf(file);
        if (scope.isEmpty() || !file.endsWith(".yaml")) {
          continue;
        }
        String text = ConfigChange.text(head, file);
        List<String[]> replacements = new ArrayList<>();
        forEachCiphertext(
            file,
            text,
            (path, value) -> {
              if (!EncryptedValue.parse(value).keyId().equals(kid)) {
                String fresh =
                    cipher.encrypt(scope.get(), path, cipher.decrypt(path, scope.get(), value));
                replacements.add(new String[] {value, fresh});
              }
            });
        String updated = text;
        for (String[] replacement : replacements) {
          updated = updated.replace(replacement[0], replacement[1]);
        }
        if (!replacements.isEmpty()) {
          rewritten.put(file, updated);
          rotated += replacements.size();
        }
      }
      count = rotated;
      return rewritten;
    }

    @Override
    public String message(String reason) {
      return reason
          + "\n\nRe-encrypt "
          + count
          + (count == 1 ? " secret" : " secrets")
          + " under key "
          + kid
          + ".";
    }

    /** How many values the last edit re-encrypted. */
    public int count() {
      return count;
    }
  }

  /**
   * Refuses keys whose current id the repository already uses for another key: a value under that
   * id, in a scope the keys can open, that they do not decrypt.
   */
  static void requireOwnKeyId(ConfigRepository repository, EncryptionKeys keys) {
    String kid = keys.currentKeyId();
    SecretCipher cipher = SecretCipher.of(keys);
    TreeSet<String> used = new TreeSet<>();
    List<String> foreign = new ArrayList<>();
    for (String file : repository.tree().files()) {
      Optional<String> scope = SecretRules.scopeOf(file);
      if (scope.isEmpty() || !file.endsWith(".yaml")) {
        continue;
      }
      forEachCiphertext(
          file,
          ConfigChange.text(repository, file),
          (path, value) -> {
            String id = EncryptedValue.parse(value).keyId();
            used.add(id);
            if (id.equals(kid) && keys.hasKeyFor(scope.get()) && foreign.isEmpty()) {
              try {
                cipher.decrypt(path, scope.get(), value);
              } catch (GitconfException.Decryption e) {
                foreign.add(file + ": " + path);
              } catch (GitconfException.Unavailable e) {
                // No key of this id for this scope here: nothing to compare with.
              }
            }
          });
    }
    if (!foreign.isEmpty()) {
      throw new GitconfException.BadRequest(
          "the repository already holds values under key id "
              + kid
              + " that the key given for "
              + kid
              + " does not decrypt ("
              + foreign.get(0)
              + "): "
              + kid
              + " is another key's id. Give this key a new id with "
              + EncryptionKeys.MASTER_KEY_ID
              + "="
              + unusedId(used)
              + ", and keep the key of "
              + kid
              + " as "
              + EncryptionKeys.MASTER_KEY
              + "_"
              + kid.toUpperCase(Locale.ROOT).replace('-', '_')
              + " to read those values; nothing was changed");
    }
  }

  /** {@code k<n+1>} for the highest {@code k<n>} in use. */
  private static String unusedId(TreeSet<String> used) {
    int highest = 0;
    for (String id : used) {
      if (id.matches("k[0-9]{1,6}")) {
        highest = Math.max(highest, Integer.parseInt(id.substring(1)));
      }
    }
    return "k" + (highest + 1);
  }

  /**
   * Calls {@code visitor} with every well-formed ciphertext of a category file and the path it is
   * bound to: the value's path, with {@code []} after a list's key for its items ({@code
   * trader.endpoints[].apiKey}), as validation binds them.
   */
  private static void forEachCiphertext(
      String file, String text, BiConsumer<ConfigPath, String> visitor) {
    if (text.isBlank()) {
      return;
    }
    String name = file.substring(file.lastIndexOf('/') + 1);
    String category = name.substring(0, name.length() - ".yaml".length());
    for (Map.Entry<String, JsonNode> leaf : OverlayEditor.leaves(file, text).entrySet()) {
      visit(ConfigPath.parse(category + "." + leaf.getKey()), leaf.getValue(), visitor);
    }
  }

  private static void visit(
      ConfigPath path, JsonNode node, BiConsumer<ConfigPath, String> visitor) {
    if (node.isTextual() && EncryptedValue.isEncrypted(node.asText())) {
      visitor.accept(path, node.asText());
    } else if (node.isArray()) {
      List<String> segments = new ArrayList<>(path.segments());
      segments.set(segments.size() - 1, path.last() + "[]");
      ConfigPath item = new ConfigPath(segments);
      node.forEach(child -> visit(item, child, visitor));
    } else if (node.isObject()) {
      node.properties().forEach(f -> visit(path.child(f.getKey()), f.getValue(), visitor));
    }
  }
}
