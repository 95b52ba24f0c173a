package io.gitconf.sync;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.jgit.transport.CredentialsProvider;

/**
 * What a syncer follows and how often. Immutable.
 *
 * @param source a local repository path or a remote URL
 * @param cacheDir where remote repositories are cloned (bare) and fetched
 * @param credentials for a remote; built from environment variables, never from argv
 */
public record SyncSettings(
    String source,
    String branch,
    Duration poll,
    Path cacheDir,
    Optional<CredentialsProvider> credentials) {

  public static SyncSettings of(String source, String branch, Duration poll, Path cacheDir) {
    return new SyncSettings(source, branch, poll, cacheDir, Optional.empty());
  }

  /**
   * The source as messages and logs show it: a password written into a URL ({@code
   * https://user:token@host/...}) reads {@code ****}. Credentials belong in environment variables,
   * but one pasted into the URL must not end up in logs either.
   */
  public String redactedSource() {
    return io.gitconf.core.GitRemotes.redact(source);
  }

  public SyncSettings withCredentials(Optional<CredentialsProvider> credentials) {
    return new SyncSettings(source, branch, poll, cacheDir, credentials);
  }
}
