package io.gitconf.cli;

/** How a command prints data: for people, or for scripts. */
enum OutputFormat {
  TEXT,
  JSON
}
