package io.gitconf.cli;

import picocli.CommandLine.Option;

/**
 * {@code --version N} of the commands that read one mirrored version ({@code get}, {@code export}),
 * with {@code -h}/{@code --help}. Those commands cannot take picocli's standard help options: their
 * {@code -V}/{@code --version} would clash with {@code --version N}, and picocli then drops {@code
 * --help} along with it.
 */
final class MirrorVersionOption {
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  @Option(
      names = "--version",
      paramLabel = "N",
      description =
          "Read version N of the environment from the mirror (--db or --embedded-postgres).")
  Integer version;

  boolean given() {
    return version != null;
  }
}
