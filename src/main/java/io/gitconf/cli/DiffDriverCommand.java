package io.gitconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.gitconf.core.ConfigPath;
import io.gitconf.core.GitconfException;
import io.gitconf.core.OverlayEditor;
import io.gitconf.core.crypto.EncryptedValue;
import io.gitconf.core.crypto.SecretCipher;
import io.gitconf.core.crypto.SecretRules;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.diff.DiffAlgorithm;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.EditList;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "diff-driver",
    description = {
      "Git diff driver that never shows secrets: ENC[...] values appear as **** (changed) or **** (unchanged).",
      "Installed by gitconf hooks install. As git's external diff it takes git's seven arguments;",
      "with --textconv FILE (git log -p, git show) it prints the file with every encrypted value as",
      "**** (<scope> <kid> #<fingerprint of the ciphertext>), so a changed secret is a changed line."
    })
final class DiffDriverCommand implements Callable<Integer> {
  private static final Pattern CIPHERTEXT = Pattern.compile("ENC\\[[^\\]\\s]*\\]");
  private static final String DEV_NULL = "/dev/null";

  @Spec CommandSpec spec;

  @Option(
      names = "--textconv",
      paramLabel = "FILE",
      description = "Print FILE with secrets masked.")
  Path textconv;

  @Parameters(
      arity = "0..7",
      paramLabel = "ARG",
      description = "path old-file old-hex old-mode new-file new-hex new-mode")
  List<String> args = List.of();

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (textconv != null) {
      out.print(
          CIPHERTEXT.matcher(Files.readString(textconv)).replaceAll(m -> fingerprint(m.group())));
      out.flush();
      return ExitCodes.OK;
    }
    if (args.size() != 7) {
      throw new GitconfException.BadRequest(
          "expected git's seven external-diff arguments, or --textconv FILE");
    }
    String path = args.get(0);
    String before = read(args.get(1));
    String after = read(args.get(4));
    Map<String, JsonNode> oldValues = values(path, before);
    Map<String, JsonNode> newValues = values(path, after);
    String maskedBefore = mask(path, before, oldValues, newValues);
    String maskedAfter = mask(path, after, newValues, oldValues);
    out.println("diff --gitconf a/" + path + " b/" + path);
    out.println("--- " + (args.get(1).equals(DEV_NULL) ? DEV_NULL : "a/" + path));
    out.println("+++ " + (args.get(4).equals(DEV_NULL) ? DEV_NULL : "b/" + path));
    out.print(unified(before, after, maskedBefore, maskedAfter));
    out.flush();
    return ExitCodes.OK;
  }

  /**
   * What textconv shows for a ciphertext. Textconv sees one side of a diff only, so it cannot say
   * "changed"; a bare {@code ****} on both sides would make git drop the hunk and hide that a
   * secret changed. A short hash of the ciphertext (which Git already holds, so it reveals nothing
   * more) keeps a new value a changed line. Malformed text is not hashed: it may be pasted
   * plaintext.
   */
  static String fingerprint(String ciphertext) {
    if (!EncryptedValue.isEncrypted(ciphertext)) {
      return Matcher.quoteReplacement("**** (malformed)");
    }
    EncryptedValue value = EncryptedValue.parse(ciphertext);
    byte[] digest;
    try {
      digest =
          MessageDigest.getInstance("SHA-256").digest(ciphertext.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
    return Matcher.quoteReplacement(
        "**** ("
            + value.scope()
            + " "
            + value.keyId()
            + " #"
            + HexFormat.of().formatHex(digest, 0, 4)
            + ")");
  }

  private static String read(String file) throws IOException {
    return file.equals(DEV_NULL) ? "" : Files.readString(Path.of(file));
  }

  /**
   * Leaf values by relative path; empty when the file is not readable YAML (then every secret shows
   * as changed).
   */
  private static Map<String, JsonNode> values(String path, String text) {
    if (text.isBlank()) {
      return Map.of();
    }
    try {
      return OverlayEditor.leaves(path, text);
    } catch (GitconfException e) {
      return Map.of();
    }
  }

  /**
   * Replaces each ciphertext with **** and whether the other side holds the same secret at the same
   * path.
   */
  private String mask(
      String file, String text, Map<String, JsonNode> mine, Map<String, JsonNode> theirs) {
    Matcher matcher = CIPHERTEXT.matcher(text);
    StringBuilder result = new StringBuilder();
    while (matcher.find()) {
      String ciphertext = matcher.group();
      Optional<String> key =
          mine.entrySet().stream()
              .filter(e -> e.getValue().asText().equals(ciphertext))
              .map(Map.Entry::getKey)
              .findFirst();
      boolean unchanged =
          key.isPresent() && sameSecret(file, key.get(), ciphertext, theirs.get(key.get()));
      matcher.appendReplacement(
          result, Matcher.quoteReplacement(unchanged ? "**** (unchanged)" : "**** (changed)"));
    }
    matcher.appendTail(result);
    return result.toString();
  }

  /**
   * Equal ciphertexts, or (with keys present) different ciphertexts of the same plaintext, as after
   * a rotation.
   */
  private static boolean sameSecret(String file, String key, String ciphertext, JsonNode other) {
    if (other == null || !other.isTextual()) {
      return false;
    }
    if (other.asText().equals(ciphertext)) {
      return true;
    }
    try {
      Optional<String> scope = SecretRules.scopeOf(file);
      String name = Path.of(file).getFileName().toString();
      ConfigPath path =
          ConfigPath.parse(name.substring(0, name.length() - ".yaml".length()) + "." + key);
      SecretCipher cipher = SecretCipher.of(Keys.fromEnvironment());
      return scope.isPresent()
          && Objects.equals(
              cipher.decrypt(path, scope.get(), ciphertext),
              cipher.decrypt(path, scope.get(), other.asText()));
    } catch (GitconfException | IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * A unified diff whose edits come from the real texts (so a re-encrypted value is a change) but
   * whose lines are printed masked; masking keeps every line in place, so the edit positions hold
   * for both.
   */
  private static String unified(
      String before, String after, String maskedBefore, String maskedAfter) throws IOException {
    EditList edits =
        DiffAlgorithm.getAlgorithm(DiffAlgorithm.SupportedAlgorithm.HISTOGRAM)
            .diff(RawTextComparator.DEFAULT, raw(before), raw(after));
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (DiffFormatter formatter = new DiffFormatter(buffer)) {
      formatter.format(edits, raw(maskedBefore), raw(maskedAfter));
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }

  private static RawText raw(String text) {
    return new RawText(text.getBytes(StandardCharsets.UTF_8));
  }
}
