package io.gitconf.cli;

import io.gitconf.core.GitconfException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Configuration templates shipped inside the jar: each is a folder of a config repository. */
final class Templates {
  static final String ROOT = "/gitconf/templates/";
  static final String DEFAULT = "trading";

  private Templates() {}

  /** Something to do with the folder of templates inside the jar (or the classes directory). */
  private interface FolderAction<T> {
    T apply(Path folder) throws IOException;
  }

  /** Names of the shipped templates, sorted. */
  static List<String> names() {
    return withFolder(
        "",
        folder -> {
          try (Stream<Path> entries = Files.list(folder)) {
            return entries
                .filter(Files::isDirectory)
                .map(p -> p.getFileName().toString().replace("/", ""))
                .sorted()
                .toList();
          }
        });
  }

  /** Copies a template's files into {@code target}; returns the relative paths written. */
  static List<String> copy(String name, Path target) {
    return withFolder(checked(name), source -> copyTree(source, target));
  }

  /** A template's files by relative path, with their text. */
  static Map<String, String> read(String name) {
    return withFolder(
        checked(name),
        source -> {
          Map<String, String> files = new java.util.TreeMap<>();
          try (Stream<Path> walk = Files.walk(source)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
              files.put(
                  source.relativize(file).toString().replace('\\', '/'), Files.readString(file));
            }
          }
          return files;
        });
  }

  /**
   * The name, if a template of that name is shipped; a usage error listing the templates otherwise.
   */
  static String checked(String name) {
    if (!names().contains(name)) {
      throw new GitconfException.BadRequest(
          "no template '" + name + "' (templates: " + String.join(", ", names()) + ")");
    }
    return name;
  }

  private static <T> T withFolder(String name, FolderAction<T> action) {
    URL url = Templates.class.getResource(ROOT + name);
    if (url == null) {
      throw new IllegalStateException("templates are missing from the gitconf jar");
    }
    try {
      URI uri = url.toURI();
      if ("jar".equals(uri.getScheme())) {
        try (FileSystem jar = jarFileSystem(uri)) {
          return action.apply(jar.provider().getPath(uri));
        }
      }
      return action.apply(Path.of(uri));
    } catch (URISyntaxException | IOException e) {
      throw new UncheckedIOException(new IOException("cannot read template " + name, e));
    }
  }

  private static FileSystem jarFileSystem(URI uri) throws IOException {
    try {
      return FileSystems.newFileSystem(uri, Map.of());
    } catch (FileSystemAlreadyExistsException e) {
      throw new IllegalStateException("template jar file system is already open", e);
    }
  }

  private static List<String> copyTree(Path source, Path target) throws IOException {
    try (Stream<Path> walk = Files.walk(source)) {
      List<Path> files = walk.filter(Files::isRegularFile).sorted().toList();
      for (Path file : files) {
        Path destination = target.resolve(source.relativize(file).toString());
        Files.createDirectories(destination.getParent());
        Files.copy(file, destination);
      }
      return files.stream().map(f -> source.relativize(f).toString().replace('\\', '/')).toList();
    }
  }
}
