package io.gitconf.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code gitconf} as a separate program ({@link Main#main} in a JVM of its own, on this test's
 * class path): what a user runs, with its own logging configuration, standard output and error read
 * line by line, and stopped by a signal as Ctrl-C stops it.
 */
final class ProgramProcess implements AutoCloseable {
  private final Process process;
  private final List<String> out = new CopyOnWriteArrayList<>();
  private final List<String> err = new CopyOnWriteArrayList<>();
  private final List<Thread> readers = new ArrayList<>();

  private ProgramProcess(Process process) {
    this.process = process;
    readers.add(reader(process.getInputStream(), out, "stdout"));
    readers.add(reader(process.getErrorStream(), err, "stderr"));
  }

  /** Starts {@code gitconf args} in {@code directory}, without the caller's GITCONF_ variables. */
  static ProgramProcess start(Path directory, Map<String, String> environment, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("GITCONF_"));
    builder.environment().putAll(environment);
    try {
      return new ProgramProcess(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Thread reader(InputStream stream, List<String> lines, String name) {
    Thread thread =
        new Thread(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                  lines.add(line);
                }
              } catch (IOException e) {
                // The process ended; what it printed is in the list.
              }
            },
            "program-" + name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  List<String> out() {
    return List.copyOf(out);
  }

  List<String> err() {
    return List.copyOf(err);
  }

  /** The first line of standard output that matches, waiting for it up to {@code timeout}. */
  String awaitOut(Predicate<String> line, Duration timeout) throws InterruptedException {
    return await(out, line, timeout, "standard output");
  }

  /** The first line of standard error that matches, waiting for it up to {@code timeout}. */
  String awaitErr(Predicate<String> line, Duration timeout) throws InterruptedException {
    return await(err, line, timeout, "standard error");
  }

  private String await(List<String> lines, Predicate<String> line, Duration timeout, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<String> found = lines.stream().filter(line).findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      if (!process.isAlive() && readersDone()) {
        break;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(
        "no such line on "
            + what
            + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")")
            + "\n--- stdout\n"
            + String.join("\n", out)
            + "\n--- stderr\n"
            + String.join("\n", err));
  }

  private boolean readersDone() {
    return readers.stream().noneMatch(Thread::isAlive);
  }

  /** Asks the program to stop (SIGTERM, as Ctrl-C) and waits for it and its output. */
  int stop(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the program did not stop within " + timeout);
    }
    for (Thread reader : readers) {
      reader.join(timeout.toMillis());
    }
    return process.exitValue();
  }

  /** Kills the program if it still runs (a test that failed before {@link #stop}). */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
