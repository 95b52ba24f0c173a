package io.gitconf.spring;

import io.gitconf.client.ClientSnapshot;
import io.gitconf.client.ConfigManager;
import io.gitconf.client.PropertyValues;
import io.gitconf.core.crypto.EncryptionKeys;
import java.util.List;
import java.util.Set;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;

/**
 * The snapshot a {@link ConfigManager} serves, as a Spring property source named {@code
 * gitconf:<environment>}: {@code risk.parameters.maxPositionSizeUsd} and every other path, list
 * items as {@code path[0]}. Secrets are plaintext when the application holds the environment's key,
 * ciphertext otherwise, and masked wherever the actuator shows them ({@link
 * GitconfSanitizingFunction}).
 *
 * <p>It shows the snapshot of its last {@link #refresh()}, so that what the environment holds
 * changes at one moment, together with the rebinding of the beans that depend on it. Paths marked
 * {@code x-reload: restart} keep their start-up values, as in the snapshot.
 *
 * <p>Thread-safe: readers see one snapshot's properties, never a mix.
 */
public final class GitconfPropertySource extends EnumerablePropertySource<ConfigManager> {
  private final EncryptionKeys keys;
  private volatile Shown shown;

  /** What is shown: the snapshot, its properties, and their names for Spring. */
  private record Shown(ClientSnapshot snapshot, PropertyValues properties, String[] names) {
    static Shown of(ClientSnapshot snapshot, EncryptionKeys keys) {
      PropertyValues properties = PropertyValues.of(snapshot, keys);
      return new Shown(snapshot, properties, properties.values().keySet().toArray(String[]::new));
    }
  }

  GitconfPropertySource(ConfigManager manager, EncryptionKeys keys) {
    super("gitconf:" + manager.environment(), manager);
    this.keys = keys;
    this.shown = Shown.of(manager.snapshot(), keys);
  }

  /**
   * Shows the snapshot the manager serves now; returns the property names whose values changed
   * (empty when none did).
   */
  synchronized Set<String> refresh() {
    ClientSnapshot now = getSource().snapshot();
    Shown before = shown;
    if (now == before.snapshot()) {
      return Set.of();
    }
    Shown next = Shown.of(now, keys);
    shown = next;
    return before.properties().changedNames(next.properties());
  }

  /**
   * The gitconf property sources of {@code environment}: looked up each time, since Spring Cloud's
   * refresh may replace them with new ones.
   */
  static List<GitconfPropertySource> in(ConfigurableEnvironment environment) {
    return environment.getPropertySources().stream()
        .filter(GitconfPropertySource.class::isInstance)
        .map(GitconfPropertySource.class::cast)
        .toList();
  }

  /** The snapshot shown. */
  public ClientSnapshot snapshot() {
    return shown.snapshot();
  }

  @Override
  public Object getProperty(String name) {
    return shown.properties().values().get(name);
  }

  @Override
  public boolean containsProperty(String name) {
    return shown.properties().values().containsKey(name);
  }

  @Override
  public String[] getPropertyNames() {
    return shown.names().clone();
  }

  /** True for a property whose value is a secret. */
  public boolean isSecret(String name) {
    return shown.properties().secretNames().contains(name);
  }

  /** True when {@code value} is the plaintext of a secret shown here, wherever it was copied. */
  public boolean isSecretPlaintext(Object value) {
    return shown.properties().isSecretPlaintext(value);
  }
}
