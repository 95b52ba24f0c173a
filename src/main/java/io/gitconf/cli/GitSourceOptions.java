package io.gitconf.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The branch of a config repository that the syncer mirrors ({@code sync}, {@code rebuild}): a
 * local path read in place, or a URL cloned into a cache folder and fetched.
 */
final class GitSourceOptions {
  @Option(
      names = "--repo",
      required = true,
      paramLabel = "URL|PATH",
      description = "Config repository: a local path (read in place) or a URL (fetched).")
  String repo;

  @Option(
      names = "--branch",
      defaultValue = "main",
      paramLabel = "BRANCH",
      description = "Branch to follow (default: ${DEFAULT-VALUE}).")
  String branch;

  @Option(
      names = "--cache-dir",
      defaultValue = ".gitconf/git-cache",
      paramLabel = "DIR",
      description = "Where remote repositories are cloned (default: ${DEFAULT-VALUE}).")
  Path cacheDir;
}
