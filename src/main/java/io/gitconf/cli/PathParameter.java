package io.gitconf.cli;

import io.gitconf.core.ConfigPath;
import picocli.CommandLine.Parameters;

/** The configuration path a command reads or changes: its first positional parameter. */
final class PathParameter {
  @Parameters(
      index = "0",
      paramLabel = "PATH",
      description = "Configuration path, e.g. risk.parameters.maxPositionSizeUsd")
  String path;

  /** The path, checked: a malformed one is a usage error naming it. */
  ConfigPath parse() {
    return ConfigPath.parse(path);
  }
}
