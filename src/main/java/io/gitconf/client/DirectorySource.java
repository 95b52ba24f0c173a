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
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A working copy on disk, for development: read and validated like {@code gitconf validate}, and
 * watched with directory-watcher. Saves within the debounce interval are coalesced into one reload,
 * so an editor's write-rename-chmod sequence reloads once. The watcher's loop runs on a thread of
 * the client's own, not on the common fork-join pool, where it would hold a worker for as long as
 * the client lives.
 *
 * <p>Thread-safe.
 */
final class DirectorySource implements ConfigSource {
  private final Path directory;
  private final Duration debounce;
  private final Function<Path, RepoTree> files;
  private final ScheduledExecutorService timer;
  private final ExecutorService watching;
  private DirectoryWatcher watcher;
  private ScheduledFuture<?> pending;
  private boolean closed;

  DirectorySource(Path directory, Duration debounce, Threads threads) {
    this(directory, debounce, threads, RepoTree::directory);
  }

  /** With {@code files} reading the folder's files (a test that changes them as they are read). */
  DirectorySource(
      Path directory, Duration debounce, Threads threads, Function<Path, RepoTree> files) {
    this.directory = directory.toAbsolutePath().normalize();
    this.debounce = debounce;
    this.files = files;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            threads.factory("gitconf-directory-debounce", false));
    this.watching =
        Executors.newSingleThreadExecutor(threads.factory("gitconf-directory-watcher", false));
  }

  @Override
  public Loaded load(String environment) {
    ConfigRepository repository = ConfigRepository.load(new Listed(files.apply(directory)));
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
    } catch (IOException e) {
      throw cannotWatch(e);
    }
    CompletableFuture<Void> loop = watcher.watchAsync(watching);
    // Registering the folders happens before watchAsync returns; a failure there is already in.
    if (loop.isCompletedExceptionally()) {
      try {
        loop.get();
      } catch (ExecutionException e) {
        throw cannotWatch(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw cannotWatch(e);
      }
    }
  }

  private GitconfException cannotWatch(Throwable e) {
    return new GitconfException.Unavailable("cannot watch " + directory + ": " + e.getMessage(), e);
  }

  private synchronized void schedule(Runnable changed) {
    if (closed) {
      return;
    }
    if (pending != null) {
      pending.cancel(false);
    }
    try {
      pending = timer.schedule(changed, debounce.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // The client is closing.
    }
  }

  @Override
  public String describe() {
    return "directory " + directory;
  }

  /**
   * The folder's files as listed when the load began. A listed file that is gone when it is read
   * (an editor's save replaces files) fails the load, where a plain read would load the environment
   * without it, as if the file had never been there.
   */
  private final class Listed implements RepoTree {
    private final RepoTree tree;
    private Set<String> listed = Set.of();

    Listed(RepoTree tree) {
      this.tree = tree;
    }

    @Override
    public String describe() {
      return tree.describe();
    }

    @Override
    public List<String> files() {
      List<String> files = tree.files();
      listed = Set.copyOf(files);
      return files;
    }

    @Override
    public Optional<byte[]> read(String path, int maxBytes) {
      Optional<byte[]> bytes = tree.read(path, maxBytes);
      if (bytes.isEmpty() && listed.contains(path)) {
        throw new GitconfException.Unavailable(
            DirectorySource.this.describe() + ": " + path + " vanished while it was read");
      }
      return bytes;
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    try {
      if (watcher != null) {
        watcher.close();
      }
    } catch (IOException e) {
      // closing a watcher that failed is not worth reporting
    }
    timer.shutdownNow();
    watching.shutdownNow();
  }
}
