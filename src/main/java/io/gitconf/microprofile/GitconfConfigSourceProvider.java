package io.gitconf.microprofile;

import io.gitconf.client.ConfigManager;
import io.gitconf.core.GitconfException;
import io.gitconf.core.crypto.EncryptionKeys;
import io.gitconf.spring.GitconfProperties;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSourceProvider;

/**
 * Found by {@code ServiceLoader} ({@code
 * META-INF/services/org.eclipse.microprofile.config.spi.ConfigSourceProvider}): a {@link
 * GitconfConfigSource} when the process sets {@code gitconf.environment}, none otherwise. Settings
 * are those of {@link GitconfProperties} ({@code gitconf.postgres.url}, {@code gitconf.directory},
 * {@code gitconf.git.url}, {@code gitconf.cache-file}, ...), read from system properties, then
 * environment variables ({@code GITCONF_ENVIRONMENT}, {@code GITCONF_POSTGRES_URL}, {@code
 * GITCONF_CACHE_FILE}, ...), since they must be known before any configuration is; {@code
 * gitconf.ordinal} changes the ordinal. Keys come from environment variables.
 *
 * <p>One manager per set of settings in the process, shared by every configuration built from them,
 * and running until {@link #closeAll()} (or the process's end). Thread-safe.
 */
public final class GitconfConfigSourceProvider implements ConfigSourceProvider {
  private static final Map<GitconfProperties, ConfigManager> RUNNING = new ConcurrentHashMap<>();

  private final Function<String, Optional<String>> lookup;

  /** The provider {@code ServiceLoader} makes: system properties, then environment variables. */
  public GitconfConfigSourceProvider() {
    this(
        name ->
            Optional.ofNullable(System.getProperty(name))
                .or(() -> Optional.ofNullable(System.getenv(variable(name)))));
  }

  /** A provider reading its settings with {@code lookup}: a test's. */
  GitconfConfigSourceProvider(Function<String, Optional<String>> lookup) {
    this.lookup = lookup;
  }

  /** {@code gitconf.cache-file} as an environment variable: {@code GITCONF_CACHE_FILE}. */
  static String variable(String name) {
    return name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  @Override
  public Iterable<ConfigSource> getConfigSources(ClassLoader forClassLoader) {
    GitconfProperties settings = GitconfProperties.from(lookup);
    if (settings.getEnvironment() == null || settings.getEnvironment().isBlank()) {
      return List.of();
    }
    int ordinal =
        lookup
            .apply("gitconf.ordinal")
            .map(GitconfConfigSourceProvider::ordinal)
            .orElse(GitconfConfigSource.DEFAULT_ORDINAL);
    EncryptionKeys keys = EncryptionKeys.fromEnvironment();
    ConfigManager manager =
        RUNNING.compute(
            settings,
            (key, running) ->
                running != null && !running.isClosed()
                    ? running
                    : key.applyTo(ConfigManager.builder()).keys(keys).build());
    return List.of(new GitconfConfigSource(manager, keys, ordinal));
  }

  private static int ordinal(String text) {
    try {
      return Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw new GitconfException.BadRequest(
          "gitconf.ordinal: '"
              + text
              + "' is not a whole number (the default is "
              + GitconfConfigSource.DEFAULT_ORDINAL
              + ")");
    }
  }

  /** Closes every manager the provider started. */
  public static void closeAll() {
    RUNNING.values().forEach(ConfigManager::close);
    RUNNING.clear();
  }
}
