package io.gitconf.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --repo DIR}: the local config repository a command reads; the current directory when not
 * given.
 */
final class RepoDirectory {
  @Option(
      names = "--repo",
      paramLabel = "DIR",
      description =
          "Config repository directory (default: the current directory; verify reads one only"
              + " when given).")
  Path repo;

  /** The directory named, or the current one. */
  Path path() {
    return repo != null ? repo : Path.of(".");
  }

  /** True when the command line names a directory. */
  boolean given() {
    return repo != null;
  }
}
