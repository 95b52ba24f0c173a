package io.gitconf.core;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jgit.lib.Repository;

/**
 * The exclusive right to change one clone, held from reading its last commit to committing (and
 * pushing) on top of it, so two changes never start from the same commit. Between processes it is a
 * file in the {@code .git} directory, {@code gitconf-change.lock}, created exclusively as Git
 * creates {@code index.lock}; within one JVM a lock per clone comes first, so threads queue fairly
 * instead of polling the file. The file names the process that holds it.
 *
 * <p>Thread-safe; one instance is one holding, released by {@link #close}.
 */
final class CloneLock implements AutoCloseable {
  static final String FILE = "gitconf-change.lock";

  private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
  private static final long FIRST_POLL_MILLIS = 10;
  private static final long MAX_POLL_MILLIS = 200;

  private final ReentrantLock inProcess;
  private final Path file;

  private CloneLock(ReentrantLock inProcess, Path file) {
    this.inProcess = inProcess;
    this.file = file;
  }

  /**
   * Waits up to {@code wait} for the clone of {@code repository}.
   *
   * @throws GitconfException.Conflict when another change holds it all that time
   */
  static CloneLock acquire(Repository repository, Duration wait) {
    Path gitDir = realPath(repository.getDirectory().toPath());
    Path file = gitDir.resolve(FILE);
    long deadline = System.nanoTime() + wait.toNanos();
    ReentrantLock lock = IN_PROCESS.computeIfAbsent(gitDir, dir -> new ReentrantLock(true));
    try {
      if (!lock.tryLock(wait.toNanos(), TimeUnit.NANOSECONDS)) {
        throw busy(file, wait, "another thread of this process");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GitconfException.Conflict(
          "interrupted while waiting for " + file + "; nothing was changed", e);
    }
    try {
      createFile(file, deadline, wait);
      return new CloneLock(lock, file);
    } catch (RuntimeException e) {
      lock.unlock();
      throw e;
    }
  }

  private static void createFile(Path file, long deadline, Duration wait) {
    long pause = FIRST_POLL_MILLIS;
    while (true) {
      try {
        Files.writeString(
            file,
            "pid "
                + ProcessHandle.current().pid()
                + " on "
                + host()
                + " since "
                + Instant.now()
                + "\n",
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE);
        return;
      } catch (FileAlreadyExistsException e) {
        if (System.nanoTime() - deadline >= 0) {
          throw busy(file, wait, holder(file));
        }
      } catch (IOException e) {
        throw new GitconfException.Unavailable(
            "cannot create " + file + ": " + e.getMessage() + "; nothing was changed", e);
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new GitconfException.Conflict(
            "interrupted while waiting for " + file + "; nothing was changed", e);
      }
      pause = Math.min(pause * 2, MAX_POLL_MILLIS);
    }
  }

  private static GitconfException.Conflict busy(Path file, Duration wait, String holder) {
    return new GitconfException.Conflict(
        "another change to this clone is in progress ("
            + holder
            + " holds "
            + file
            + "); gave up after "
            + (wait.toMillis() < 1000 ? wait.toMillis() + " ms" : wait.toSeconds() + " s")
            + " and changed nothing. Try again; if no gitconf is running there, delete that"
            + " file");
  }

  /** Who holds the file, as it says; a process that ended without removing it says so too. */
  private static String holder(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8).strip();
      String[] words = text.split(" ");
      if (words.length >= 4 && words[0].equals("pid") && words[3].equals(host())) {
        long pid = Long.parseLong(words[1]);
        if (ProcessHandle.of(pid).isEmpty()) {
          return text + ", a process that is no longer running,";
        }
      }
      return text.isEmpty() ? "a process" : text;
    } catch (NoSuchFileException e) {
      return "a process that has just finished";
    } catch (IOException | NumberFormatException e) {
      return "a process";
    }
  }

  /** This machine's name, as lock files written here give it. */
  static String host() {
    return Host.NAME;
  }

  /** Looked up once: a host name lookup may wait on DNS. */
  private static final class Host {
    static final String NAME = lookup();

    private static String lookup() {
      try {
        return InetAddress.getLocalHost().getHostName().replace(' ', '_');
      } catch (IOException e) {
        return "localhost";
      }
    }
  }

  private static Path realPath(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      return path.toAbsolutePath().normalize();
    }
  }

  @Override
  public void close() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // Left behind, it names this process, and the next change's message says how to clear it.
    } finally {
      inProcess.unlock();
    }
  }
}
