package io.gitconf.client;

import io.gitconf.core.ConfigPath;
import io.gitconf.core.GitconfException;
import io.gitconf.core.crypto.EncryptedValue;
import io.gitconf.core.crypto.EncryptionKeys;
import io.gitconf.core.crypto.SecretCipher;
import java.math.BigInteger;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * A snapshot as flat properties, the form property-based frameworks (Spring's {@code Environment},
 * MicroProfile Config) read: one entry per leaf by its path ({@code
 * risk.parameters.maxPositionSizeUsd}), list items as {@code path[0]}, maps inside lists as {@code
 * path[0].key}. Values are {@code String}, {@code Long}, {@code BigInteger}, {@code Double} or
 * {@code Boolean}; nulls and empty maps have no entry.
 *
 * <p>An encrypted value is its plaintext when {@code keys} can decrypt it, and its ciphertext
 * ({@code ENC[...]}) otherwise. Either way its name is in {@link #secretNames()}, so that whatever
 * shows properties can mask it; {@link #toString()} shows names only.
 *
 * <p>Immutable and thread-safe.
 */
public final class PropertyValues {
  private final Map<String, Object> values;
  private final Set<String> secretNames;
  private final Set<String> secretPlaintexts;

  private PropertyValues(
      Map<String, Object> values, Set<String> secretNames, Set<String> secretPlaintexts) {
    this.values = Collections.unmodifiableMap(values);
    this.secretNames = Collections.unmodifiableSet(secretNames);
    this.secretPlaintexts = Collections.unmodifiableSet(secretPlaintexts);
  }

  /** The properties of {@code snapshot}, with secrets decrypted where {@code keys} allow. */
  public static PropertyValues of(ClientSnapshot snapshot, EncryptionKeys keys) {
    Map<String, Object> values = new TreeMap<>();
    Set<String> secretNames = new HashSet<>();
    Set<String> plaintexts = new HashSet<>();
    SecretCipher cipher = SecretCipher.of(keys);
    snapshot
        .values()
        .forEach(
            (path, value) -> {
              if (value instanceof String text && EncryptedValue.isEncrypted(text)) {
                secretNames.add(path);
                String scope = EncryptedValue.parse(text).scope();
                String shown = text;
                if (keys.hasKeyFor(scope)) {
                  try {
                    shown = cipher.decrypt(ConfigPath.parse(path), scope, text).reveal();
                    plaintexts.add(shown);
                  } catch (GitconfException.Decryption e) {
                    // Left as ciphertext: ConfigManager.getSecret reports it for its path.
                  }
                }
                values.put(path, shown);
              } else {
                flatten(path, value, values, secretNames);
              }
            });
    return new PropertyValues(values, secretNames, plaintexts);
  }

  private static void flatten(
      String name, Object value, Map<String, Object> values, Set<String> secretNames) {
    if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        flatten(name + "[" + i + "]", list.get(i), values, secretNames);
      }
    } else if (value instanceof Map<?, ?> map) {
      map.forEach((key, item) -> flatten(name + "." + key, item, values, secretNames));
    } else if (value instanceof String
        || value instanceof Long
        || value instanceof BigInteger
        || value instanceof Double
        || value instanceof Boolean) {
      if (value instanceof String text && text.startsWith("ENC[")) {
        secretNames.add(name);
      }
      values.put(name, value);
    }
  }

  /** Values by property name, sorted by name. */
  public Map<String, Object> values() {
    return values;
  }

  /** Names whose value is a secret (its plaintext or its ciphertext). */
  public Set<String> secretNames() {
    return secretNames;
  }

  /**
   * True when {@code value} is the plaintext of one of these secrets: for masking a copy of it
   * wherever it was bound.
   */
  public boolean isSecretPlaintext(Object value) {
    return value instanceof String text && secretPlaintexts.contains(text);
  }

  /**
   * The names whose value differs between {@code this} and {@code next} (set in one only, or set to
   * different values).
   */
  public Set<String> changedNames(PropertyValues next) {
    Set<String> changed = new HashSet<>();
    Set<String> names = new HashSet<>(values.keySet());
    names.addAll(next.values.keySet());
    for (String name : names) {
      if (!Objects.equals(values.get(name), next.values.get(name))) {
        changed.add(name);
      }
    }
    return changed;
  }

  @Override
  public String toString() {
    Map<String, Integer> shape = new LinkedHashMap<>();
    shape.put("values", values.size());
    shape.put("secrets", secretNames.size());
    return "PropertyValues" + shape;
  }
}
