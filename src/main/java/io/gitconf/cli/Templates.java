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

  /** Copies a template's files into {@code target}; returns the relative paths written. */
  static List<String> copy(String name, Path target) {
    URL url = Templates.class.getResource(ROOT + name);
    if (url == null) {
      throw new GitconfException.BadRequest("no template '" + name + "'");
    }
    try {
      URI uri = url.toURI();
      if ("jar".equals(uri.getScheme())) {
        try (FileSystem jar = jarFileSystem(uri)) {
          return copyTree(jar.provider().getPath(uri), target);
        }
      }
      return copyTree(Path.of(uri), target);
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
