package io.gitconf.client;

import io.gitconf.core.ConfigRepository;
import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.GitRemotes;
import io.gitconf.core.GitconfException;
import io.gitconf.core.RepoTree;
import io.methvin.watcher.DirectoryWatcher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A working copy on disk, for development: read and validated like {@code gitconf validate}, and
 * watched with directory-watcher. Saves within the debounce interval are coalesced into one reload,
 * so an editor's write-rename-chmod sequence reloads once.
 */
final class DirectorySource implements ConfigSource {
  private final Path directory;
  private final Duration debounce;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(Threads.daemon("gitconf-directory-debounce"));
  private DirectoryWatcher watcher;
  private ScheduledFuture<?> pending;

  DirectorySource(Path directory, Duration debounce) {
    this.directory = directory.toAbsolutePath().normalize();
    this.debounce = debounce;
  }

  @Override
  public Loaded load(String environment) {
    ConfigRepository repository = ConfigRepository.load(RepoTree.directory(directory));
    ConfigSnapshot snapshot = ConfigSource.validSnapshot(repository, environment, describe());
    return new Loaded(
        snapshot, OptionalLong.empty(), describe(), repository.schemas(), snapshot.checksum());
  }

  @Override
  public boolean needsPolling() {
    return false;
  }

  /** A working copy that is a Git repository takes {@link ConfigManager#set} commits. */
  @Override
  public Optional<ChangeWriter> writer() {
    return Files.isDirectory(directory.resolve(".git"))
        ? Optional.of(new ChangeWriter(directory, Optional.empty(), GitRemotes.credentials()))
        : Optional.empty();
  }

  @Override
  public synchronized void watch(Runnable changed) {
    try {
      watcher =
          DirectoryWatcher.builder()
              .path(directory)
              .fileHashing(false)
              .listener(
                  event -> {
                    if (!event.path().toString().contains("/.git/")) {
                      schedule(changed);
                    }
                  })
              .build();
      watcher.watchAsync();
    } catch (IOException e) {
      throw new GitconfException.Unavailable(
          "cannot watch " + directory + ": " + e.getMessage(), e);
    }
  }

  private synchronized void schedule(Runnable changed) {
    if (pending != null) {
      pending.cancel(false);
    }
    pending = timer.schedule(changed, debounce.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public String describe() {
    return "directory " + directory;
  }

  @Override
  public synchronized void close() {
    try {
      if (watcher != null) {
        watcher.close();
      }
    } catch (IOException e) {
      // closing a watcher that failed is not worth reporting
    }
    timer.shutdownNow();
  }
}
