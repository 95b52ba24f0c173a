package io.gitconf.client;

import io.gitconf.core.GitRemotes;
import io.gitconf.mirror.ReportWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;

/**
 * How each kind of source is made from a builder's options, with the client's threads and temporary
 * folders, so that closing the client releases what the source started.
 */
final class ClientSources {
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

  private ClientSources() {}

  /** Makes the source of one client. */
  @FunctionalInterface
  interface Factory {
    ConfigSource create(ConfigManager.Builder options, ClientResources resources);
  }

  static Factory postgres(DataSource dataSource) {
    return (b, resources) ->
        new PostgresSource(
            dataSource,
            b.environment,
            b.reconnectBackoff,
            MAX_BACKOFF,
            new ReleaseReporter(
                b.environment, b.identity(), ReportWriter.mirror(dataSource), b.cacheTtl));
  }

  /** Relays ({@code gitconf serve}) at {@code urls}, tried in turn, with a bearer token. */
  static Factory server(List<String> urls, String token) {
    return (b, resources) ->
        new ServerSource(
            urls,
            token,
            b.environment,
            new Backoff(b.reconnectBackoff, MAX_BACKOFF),
            resources.threads().factory("gitconf-relay-watch-" + b.environment, false),
            b.identity(),
            b.cacheTtl);
  }

  static Factory directory(Path directory) {
    return (b, resources) -> new DirectorySource(directory, b.debounce, resources.threads());
  }

  /**
   * A Git remote, cloned into the application's {@code workDir}, kept across restarts, or else into
   * a temporary folder that the client removes when it closes.
   */
  static Factory git(String remoteUrl, String branch) {
    return (b, resources) ->
        new GitSource(
            remoteUrl,
            branch,
            b.workDir != null
                ? b.workDir
                : resources.temporaryDirectory(b.temporaryRoot, label(remoteUrl)).path());
  }

  /** The last segment of the remote's address ({@code config.git}), never its credentials. */
  static String label(String remoteUrl) {
    String address = GitRemotes.withoutPassword(remoteUrl).replaceAll("[/\\\\]+$", "");
    int cut = Math.max(address.lastIndexOf('/'), Math.max(address.lastIndexOf(':'), -1));
    String last = address.substring(cut + 1);
    return last.contains("@") ? last.substring(last.indexOf('@') + 1) : last;
  }
}
