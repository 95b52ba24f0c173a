package io.gitconf.sync;

import io.gitconf.core.Redaction;
import io.gitconf.core.SnapshotCheck;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.jgit.transport.CredentialsProvider;

/**
 * What a syncer follows, how often, and what a commit must pass to become active. Immutable.
 *
 * @param source a local repository path or a remote URL
 * @param cacheDir where remote repositories are cloned (bare) and fetched
 * @param credentials for a remote; built from environment variables, never from argv
 * @param check run on every environment's snapshot of a valid commit before it is activated (the
 *     command line gives the client's typed-record binding, so nothing a client cannot load ever
 *     becomes active); a failure rejects the commit with the problems
 */
public record SyncSettings(
    String source,
    String branch,
    Duration poll,
    Path cacheDir,
    Optional<CredentialsProvider> credentials,
    SnapshotCheck check) {

  /** Settings with no credentials and no check beyond validation. */
  public static SyncSettings of(String source, String branch, Duration poll, Path cacheDir) {
    return new SyncSettings(source, branch, poll, cacheDir, Optional.empty(), SnapshotCheck.none());
  }

  /** The source as messages and logs show it, any credential written into it masked. */
  public String redactedSource() {
    return Redaction.redact(source);
  }

  public SyncSettings withCredentials(Optional<CredentialsProvider> credentials) {
    return new SyncSettings(source, branch, poll, cacheDir, credentials, check);
  }

  public SyncSettings withCheck(SnapshotCheck check) {
    return new SyncSettings(source, branch, poll, cacheDir, credentials, check);
  }
}
