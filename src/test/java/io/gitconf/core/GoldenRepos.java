package io.gitconf.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Golden fixture repositories: {@code src/test/resources/repos/<case>/} holds files laid over a
 * copy of the shipped trading template, and {@code expected.txt} the exact problems {@code
 * validate} must report (absent: valid).
 */
public final class GoldenRepos {
  public static final String EXPECTED = "expected.txt";

  private GoldenRepos() {}

  public static List<String> cases() {
    try (Stream<Path> dirs = Files.list(resource("/repos"))) {
      return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The shipped template alone, copied into {@code target}. */
  public static Path template(Path target) {
    copy(resource("/gitconf/templates/trading"), target);
    return target;
  }

  /**
   * The template without the release policy of its {@code prod}, copied into {@code target}: a
   * change reaches every environment at once, for tests of something else than releases.
   */
  public static Path templateWithoutReleases(Path target) {
    template(target);
    try {
      Path manifest = target.resolve("gitconf.yaml");
      String text = Files.readString(manifest);
      String stripped = text.replaceAll("(?m)^    release:\n(^      .*\n)+", "");
      if (stripped.equals(text)) {
        throw new IllegalStateException("the template declares no release policy any more");
      }
      Files.writeString(manifest, stripped);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The template with a case's files laid over it, copied into {@code target}. */
  public static Path materialize(String name, Path target) {
    template(target);
    copy(resource("/repos/" + name), target);
    try {
      Files.deleteIfExists(target.resolve(EXPECTED));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return target;
  }

  /** The problems a case expects, one per line; empty for a valid case. */
  public static List<String> expected(String name) {
    Path file = resource("/repos/" + name).resolve(EXPECTED);
    try {
      return Files.exists(file)
          ? Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList()
          : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path resource(String name) {
    try {
      return Path.of(GoldenRepos.class.getResource(name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("missing test resource " + name, e);
    }
  }

  private static void copy(Path source, Path target) {
    try (Stream<Path> walk = Files.walk(source)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        Path destination = target.resolve(source.relativize(file).toString());
        Files.createDirectories(destination.getParent());
        Files.copy(file, destination, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
