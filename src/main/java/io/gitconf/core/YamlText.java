package io.gitconf.core;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The checks of a configuration file's text that come before YAML parsing (UTF-8, tabs in
 * indentation, characters YAML does not allow), and line numbers counted as the YAML parser counts
 * them, so that every refusal names the line an editor shows. Messages name characters by code
 * point ({@code U+0000}) and never quote the file, which may hold secrets.
 *
 * <p>Stateless and thread-safe.
 */
final class YamlText {
  private YamlText() {}

  /** Decodes strict UTF-8 (a leading byte order mark is dropped); a refusal names the line. */
  static String decodeUtf8(String file, byte[] bytes) {
    int start = hasBom(bytes) ? 3 : 0;
    ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      // The input stops at the first byte that is not UTF-8.
      throw StrictYamlReader.parse(
          file, lineAtByte(bytes, in.position()), "file is not valid UTF-8", "encoding");
    }
    return out.flip().toString();
  }

  /** Tabs are fine inside values, but YAML forbids them where they would indent. */
  static void rejectTabIndentation(String file, String text) {
    boolean atIndent = true;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\r') {
        atIndent = true;
      } else if (c == '\t' && atIndent) {
        throw StrictYamlReader.parse(
            file,
            lineOf(text, i),
            "tab character in indentation; YAML indentation must use spaces",
            "tab");
      } else if (c != ' ') {
        atIndent = false;
      }
    }
  }

  /**
   * Refuses the characters YAML does not allow in a file (control characters but tab and line
   * breaks, DEL, C1 controls, U+FFFE and U+FFFF), before the parser meets them and refuses them
   * without a line.
   */
  static void rejectDisallowedCharacters(String file, String text) {
    int at = firstDisallowed(text);
    if (at >= 0) {
      throw StrictYamlReader.parse(
          file,
          lineOf(text, at),
          "character " + codePoint(text.codePointAt(at)) + " is not allowed in a YAML file",
          "character");
    }
  }

  /**
   * The index of the first character YAML does not allow as printable text, or -1. Applied to
   * values and keys too, which escapes ({@code "\0"}, {@code "\uD800"}) can fill with characters a
   * file may not hold directly and that PostgreSQL and JSON tools refuse or mangle later.
   */
  static int firstDisallowed(String text) {
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      if (!isAllowed(c)) {
        return i;
      }
      i += Character.charCount(c);
    }
    return -1;
  }

  /** YAML's printable set; a lone surrogate (only an escape can make one) is not in it. */
  private static boolean isAllowed(int c) {
    return c == '\t'
        || c == '\n'
        || c == '\r'
        || (c >= 0x20 && c <= 0x7e)
        || c == 0x85
        || (c >= 0xa0 && c <= 0xd7ff)
        || (c >= 0xe000 && c <= 0xfffd)
        || (c >= 0x10000 && c <= 0x10ffff);
  }

  /** {@code U+0000} for a code point: names a character without printing it. */
  static String codePoint(int c) {
    return String.format("U+%04X", c);
  }

  /**
   * The 1-based line of the character at {@code index}, counting line breaks as the YAML parser
   * does: LF, a CR not followed by LF, NEL, and the Unicode line and paragraph separators.
   */
  static int lineOf(String text, int index) {
    int line = 1;
    int end = Math.min(index, text.length());
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      if (c == '\n'
          || c == '\u0085'
          || c == '\u2028'
          || c == '\u2029'
          || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'))) {
        line++;
      }
    }
    return line;
  }

  /** The line holding byte {@code offset} of UTF-8 bytes (malformed bytes count as characters). */
  static int lineAtByte(byte[] bytes, int offset) {
    int end = Math.max(0, Math.min(offset, bytes.length));
    String prefix = new String(bytes, 0, end, StandardCharsets.UTF_8);
    return lineOf(prefix, prefix.length());
  }

  private static boolean hasBom(byte[] bytes) {
    return bytes.length >= 3
        && (bytes[0] & 0xff) == 0xef
        && (bytes[1] & 0xff) == 0xbb
        && (bytes[2] & 0xff) == 0xbf;
  }
}
