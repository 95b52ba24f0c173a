package io.gitconf.core;

/**
 * Where a value came from: a file of the config repository (path relative to its root) and a
 * 1-based line, or 0 when the problem concerns the file as a whole.
 */
public record Origin(String file, int line) {

  public Origin {
    if (file == null || file.isEmpty()) {
      throw new IllegalArgumentException("origin needs a file");
    }
    if (line < 0) {
      throw new IllegalArgumentException("line must be >= 0, got " + line);
    }
  }

  public static Origin of(String file, int line) {
    return new Origin(file, line);
  }

  /** An origin for a whole file, without a line. */
  public static Origin file(String file) {
    return new Origin(file, 0);
  }

  @Override
  public String toString() {
    return line == 0 ? file : file + ":" + line;
  }
}
