package io.gitconf.core;

/** How trees refuse a file, in the same words whichever tree it is. Stateless. */
final class TreeFailures {
  private TreeFailures() {}

  /**
   * The refusal of a file larger than {@code maxBytes}, at the line where {@code head} (its first
   * bytes, at least {@code maxBytes} of them) passes the limit.
   */
  static GitconfException.Parse tooLarge(String path, long size, int maxBytes, byte[] head) {
    return StrictYamlReader.tooLarge(path, size, maxBytes, YamlText.lineAtByte(head, maxBytes));
  }

  /**
   * A file that is there but could not be read, named with the tree it belongs to: gitconf cannot
   * tell what it holds, so nothing may be concluded from the rest.
   */
  static GitconfException.Unavailable unreadable(String tree, String path, Exception cause) {
    String reason;
    if (cause instanceof java.nio.file.NoSuchFileException) {
      reason = "it was removed or renamed while the repository was being read";
    } else if (cause instanceof java.nio.file.AccessDeniedException) {
      reason = "permission denied";
    } else if (cause instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
      reason = fs.getReason();
    } else {
      reason = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }
    return new GitconfException.Unavailable(
        path + ": cannot read (" + tree + "): " + reason, cause);
  }
}
