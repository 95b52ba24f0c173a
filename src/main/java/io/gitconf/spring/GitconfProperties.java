package io.gitconf.spring;

import io.gitconf.client.ConfigManager;
import io.gitconf.core.GitRemotes;
import io.gitconf.core.GitconfException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code gitconf.*} settings of an application: which environment, from which source, with
 * which last-known-good cache. Unset options keep {@link ConfigManager.Builder}'s defaults.
 *
 * <pre>
 * gitconf.environment=prod
 * gitconf.postgres.url=jdbc:postgresql://db:5432/gitconf?user=trader   # or one of:
 * gitconf.directory=/srv/trading-config
 * gitconf.git.url=https://git.example/trading-config.git   (gitconf.git.branch, default main)
 * gitconf.server.url=https://gitconf.example   (with gitconf.server.token)
 * gitconf.cache-file=/var/cache/trader/prod-config.json
 * gitconf.cache-ttl=5s
 * </pre>
 *
 * <p>Encryption keys are not settings: they come from the process's environment variables ({@code
 * GITCONF_MASTER_KEY}, {@code GITCONF_KEY_<ENV>}), as everywhere in gitconf.
 *
 * <p>Spring binds it ({@code Binder.bind("gitconf", GitconfProperties.class)}); {@link #from} reads
 * it from anything else that looks up names. A plain mutable bean: not thread-safe, not meant to be
 * shared once applied. {@link #toString()} never shows the server token or a URL's password.
 */
public final class GitconfProperties {
  /** The prefix of every setting. */
  public static final String PREFIX = "gitconf";

  private String environment;
  private final Postgres postgres = new Postgres();
  private Path directory;
  private final Git git = new Git();
  private final Server server = new Server();
  private Path cacheFile;
  private Duration cacheTtl;

  /** {@code gitconf.postgres.*}: the PostgreSQL mirror. */
  public static final class Postgres {
    private String url;

    public String getUrl() {
      return url;
    }

    public void setUrl(String url) {
      this.url = url;
    }
  }

  /** {@code gitconf.git.*}: a branch of a Git remote. */
  public static final class Git {
    private String url;
    private String branch = "main";

    public String getUrl() {
      return url;
    }

    public void setUrl(String url) {
      this.url = url;
    }

    public String getBranch() {
      return branch;
    }

    public void setBranch(String branch) {
      this.branch = branch;
    }
  }

  /** {@code gitconf.server.*}: a gitconf relay, with a bearer token. */
  public static final class Server {
    private String url;
    private String token;

    public String getUrl() {
      return url;
    }

    public void setUrl(String url) {
      this.url = url;
    }

    public String getToken() {
      return token;
    }

    public void setToken(String token) {
      this.token = token;
    }
  }

  /**
   * The settings {@code lookup} gives for {@code gitconf.environment}, {@code
   * gitconf.postgres.url}, ... (by those names): e.g. system properties, then environment
   * variables.
   */
  public static GitconfProperties from(Function<String, Optional<String>> lookup) {
    GitconfProperties properties = new GitconfProperties();
    lookup.apply(PREFIX + ".environment").ifPresent(properties::setEnvironment);
    lookup.apply(PREFIX + ".postgres.url").ifPresent(properties.postgres::setUrl);
    lookup.apply(PREFIX + ".directory").map(Path::of).ifPresent(properties::setDirectory);
    lookup.apply(PREFIX + ".git.url").ifPresent(properties.git::setUrl);
    lookup.apply(PREFIX + ".git.branch").ifPresent(properties.git::setBranch);
    lookup.apply(PREFIX + ".server.url").ifPresent(properties.server::setUrl);
    lookup.apply(PREFIX + ".server.token").ifPresent(properties.server::setToken);
    lookup.apply(PREFIX + ".cache-file").map(Path::of).ifPresent(properties::setCacheFile);
    lookup
        .apply(PREFIX + ".cache-ttl")
        .map(GitconfProperties::duration)
        .ifPresent(properties::setCacheTtl);
    return properties;
  }

  /** {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, or ISO-8601 ({@code PT5S}). */
  private static Duration duration(String text) {
    String value = text.strip();
    try {
      if (value.toUpperCase(Locale.ROOT).startsWith("P")) {
        return Duration.parse(value);
      }
      if (value.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
      }
      long amount = Long.parseLong(value.substring(0, value.length() - 1));
      switch (value.charAt(value.length() - 1)) {
        case 's':
          return Duration.ofSeconds(amount);
        case 'm':
          return Duration.ofMinutes(amount);
        case 'h':
          return Duration.ofHours(amount);
        default:
          break;
      }
    } catch (RuntimeException e) {
      // Reported below, with the forms that are read.
    }
    throw new GitconfException.BadRequest(
        PREFIX + ".cache-ttl: '" + value + "' is not a duration (e.g. 500ms, 5s, 2m, 1h or PT5S)");
  }

  /**
   * Sets the environment, source and cache of {@code builder} from these settings; keys stay as the
   * builder has them.
   *
   * @throws GitconfException.BadRequest naming the setting when there is no environment, no source
   *     or more than one, or a relay URL that is not one
   */
  public ConfigManager.Builder applyTo(ConfigManager.Builder builder) {
    if (environment == null || environment.isBlank()) {
      throw new GitconfException.BadRequest(
          PREFIX + ".environment: not set (the environment to serve, e.g. prod)");
    }
    List<String> sources = sources();
    if (sources.size() != 1) {
      throw new GitconfException.BadRequest(
          (sources.isEmpty() ? "no source set" : "more than one source set: " + sources)
              + "; set exactly one of "
              + PREFIX
              + ".postgres.url, "
              + PREFIX
              + ".directory, "
              + PREFIX
              + ".git.url or "
              + PREFIX
              + ".server.url");
    }
    builder.environment(environment);
    if (postgres.url != null) {
      builder.postgres(postgres.url);
    } else if (directory != null) {
      builder.directory(directory);
    } else if (git.url != null) {
      builder.git(git.url, git.branch);
    } else {
      builder.server(relayUrls(), server.token == null ? "" : server.token);
    }
    if (cacheFile != null) {
      builder.cacheFile(cacheFile);
    }
    if (cacheTtl != null) {
      builder.cacheTtl(cacheTtl);
    }
    return builder;
  }

  /** {@code gitconf.server.url}: one relay URL, or several separated by commas, tried in turn. */
  private List<String> relayUrls() {
    List<String> urls = new ArrayList<>();
    for (String url : server.url.split(",")) {
      if (!url.isBlank()) {
        urls.add(url.strip());
      }
    }
    if (urls.isEmpty()) {
      throw new GitconfException.BadRequest(
          PREFIX + ".server.url: no relay URL (one, or several separated by commas)");
    }
    return urls;
  }

  private List<String> sources() {
    List<String> sources = new ArrayList<>();
    if (postgres.url != null) {
      sources.add(PREFIX + ".postgres.url");
    }
    if (directory != null) {
      sources.add(PREFIX + ".directory");
    }
    if (git.url != null) {
      sources.add(PREFIX + ".git.url");
    }
    if (server.url != null) {
      sources.add(PREFIX + ".server.url");
    }
    return sources;
  }

  public String getEnvironment() {
    return environment;
  }

  public void setEnvironment(String environment) {
    this.environment = environment;
  }

  public Postgres getPostgres() {
    return postgres;
  }

  public Path getDirectory() {
    return directory;
  }

  public void setDirectory(Path directory) {
    this.directory = directory;
  }

  public Git getGit() {
    return git;
  }

  public Server getServer() {
    return server;
  }

  public Path getCacheFile() {
    return cacheFile;
  }

  public void setCacheFile(Path cacheFile) {
    this.cacheFile = cacheFile;
  }

  public Duration getCacheTtl() {
    return cacheTtl;
  }

  public void setCacheTtl(Duration cacheTtl) {
    this.cacheTtl = cacheTtl;
  }

  /** Equal settings make one source: Spring loads an import once however often it is named. */
  @Override
  public boolean equals(Object other) {
    return other instanceof GitconfProperties that && toKey().equals(that.toKey());
  }

  @Override
  public int hashCode() {
    return toKey().hashCode();
  }

  private List<Object> toKey() {
    return Arrays.asList(
        environment,
        postgres.url,
        directory,
        git.url,
        git.branch,
        server.url,
        server.token,
        cacheFile,
        cacheTtl);
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    parts.add("environment=" + environment);
    if (postgres.url != null) {
      parts.add("postgres.url=" + GitRemotes.redact(postgres.url));
    }
    if (directory != null) {
      parts.add("directory=" + directory);
    }
    if (git.url != null) {
      parts.add("git.url=" + GitRemotes.redact(git.url) + ", git.branch=" + git.branch);
    }
    if (server.url != null) {
      parts.add("server.url=" + GitRemotes.redact(server.url));
    }
    if (cacheFile != null) {
      parts.add("cache-file=" + cacheFile);
    }
    return "GitconfProperties" + parts;
  }
}
