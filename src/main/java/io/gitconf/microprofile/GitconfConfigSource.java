package io.gitconf.microprofile;

import io.gitconf.client.ClientSnapshot;
import io.gitconf.client.ConfigManager;
import io.gitconf.client.PropertyValues;
import io.gitconf.core.crypto.EncryptionKeys;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The snapshot a {@link ConfigManager} serves, as a MicroProfile {@link ConfigSource}: {@code
 * risk.parameters.maxPositionSizeUsd} and every other path, list items as {@code path[0]}, values
 * as text. Every read sees the version served at that moment (hot-reloaded, with {@code x-reload:
 * restart} paths kept at their start-up values). Secrets are plaintext when the process holds the
 * environment's key, ciphertext otherwise.
 *
 * <p>Its ordinal is {@value #DEFAULT_ORDINAL} by default: above {@code
 * microprofile-config.properties} (100), below system properties (400) and environment variables
 * (300), so an environment variable still overrides a value in an emergency.
 *
 * <p>Made by {@link GitconfConfigSourceProvider} (found by {@code ServiceLoader}) from {@code
 * gitconf.*} settings, or by an application around a manager of its own. Thread-safe.
 */
public final class GitconfConfigSource implements ConfigSource {
  /** Below environment variables (300), above {@code microprofile-config.properties} (100). */
  public static final int DEFAULT_ORDINAL = 275;

  private final ConfigManager manager;
  private final EncryptionKeys keys;
  private final int ordinal;
  private volatile Shown shown;

  private record Shown(ClientSnapshot snapshot, PropertyValues properties) {}

  /** A source over {@code manager}, decrypting secrets with {@code keys}, at {@code ordinal}. */
  public GitconfConfigSource(ConfigManager manager, EncryptionKeys keys, int ordinal) {
    this.manager = manager;
    this.keys = keys;
    this.ordinal = ordinal;
  }

  /** A source over {@code manager} at the default ordinal. */
  public GitconfConfigSource(ConfigManager manager, EncryptionKeys keys) {
    this(manager, keys, DEFAULT_ORDINAL);
  }

  /** The properties of the snapshot served now, made once per snapshot. */
  private PropertyValues properties() {
    ClientSnapshot now = manager.snapshot();
    Shown last = shown;
    if (last == null || last.snapshot() != now) {
      last = new Shown(now, PropertyValues.of(now, keys));
      shown = last;
    }
    return last.properties();
  }

  @Override
  public Set<String> getPropertyNames() {
    return properties().values().keySet();
  }

  @Override
  public Map<String, String> getProperties() {
    return properties().values().entrySet().stream()
        .collect(
            Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> String.valueOf(e.getValue())));
  }

  @Override
  public String getValue(String propertyName) {
    Object value = properties().values().get(propertyName);
    return value == null ? null : String.valueOf(value);
  }

  @Override
  public String getName() {
    return "gitconf:" + manager.environment();
  }

  @Override
  public int getOrdinal() {
    return ordinal;
  }

  /** The manager read. */
  public ConfigManager manager() {
    return manager;
  }

  @Override
  public String toString() {
    return "GitconfConfigSource[" + getName() + ", ordinal " + ordinal + "]";
  }
}
