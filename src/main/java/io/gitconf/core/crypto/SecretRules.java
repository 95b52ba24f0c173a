package io.gitconf.core.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import io.gitconf.core.ConfigPath;
import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Origin;
import io.gitconf.core.Problem;
import io.gitconf.core.SchemaSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks the secrets of a resolved snapshot and reports every finding as a {@link Problem}, with
 * the file and line of the value in effect. A value's scope is the scope of the file it is written
 * in: {@code base/…} is {@code base}, {@code environments/<env>/…} is {@code <env>}.
 *
 * <ul>
 *   <li>{@code secret-plaintext} (error): a path the schema marks {@code x-secret} holds anything
 *       but an encrypted value (a null is left to the schema's type check).
 *   <li>{@code secret-format} (error): a string starting {@code ENC[} is not a well-formed
 *       encrypted value.
 *   <li>{@code secret-scope} (error): an encrypted value's scope is not its file's scope (copied
 *       from another environment).
 *   <li>{@code secret-decrypt} (error): only when {@code keys} hold a key for the value's scope:
 *       the value does not decrypt.
 *   <li>{@code secret-name} (warning): a plaintext string whose key looks like a credential, at a
 *       path the schema does not mark {@code x-secret}. The key (last path segment) looks like one
 *       when, ignoring case, {@code _} and {@code -}, it contains {@code secret}, {@code password},
 *       {@code passwd}, {@code apikey} or {@code privatekey}; or when its last word (camelCase,
 *       snake_case and kebab-case split into words) is {@code token} — because "token" is the
 *       trading domain's word for an SPL token, that last rule does not apply in the {@code tokens}
 *       category, nor to values that are a Solana address (base58, 32 to 44 characters) or a ticker
 *       (up to 10 upper-case letters and digits). So {@code authToken}, {@code bot_token} and
 *       {@code token} warn; {@code tokenProgram}, {@code tokens}, {@code perToken} (a map) and
 *       {@code quoteToken: USDC} do not.
 * </ul>
 *
 * <p>Messages never contain the value. Values inside lists are not inspected. A snapshot without
 * provenance (built from stored leaves) has no files, so its values' scopes are not checked and
 * each value is decrypted under the scope it names.
 *
 * <p>Stateless and thread-safe.
 */
public final class SecretRules {
  static final String PLAINTEXT = "secret-plaintext";
  static final String FORMAT = "secret-format";
  static final String SCOPE = "secret-scope";
  static final String DECRYPT = "secret-decrypt";
  static final String NAME = "secret-name";

  private static final Pattern SOLANA_ADDRESS = Pattern.compile("^[1-9A-HJ-NP-Za-km-z]{32,44}$");
  private static final Pattern TICKER = Pattern.compile("^[A-Z0-9]{1,10}$");
  private static final Pattern WORD_BOUNDARY =
      Pattern.compile(
          "(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=[0-9])|[^A-Za-z0-9]+");
  private static final List<String> SECRET_WORDS =
      List.of("secret", "password", "passwd", "apikey", "privatekey");

  private SecretRules() {}

  /**
   * Every secret problem of {@code snapshot}, in reading order. With {@link EncryptionKeys#none()}
   * only form and scope are checked.
   */
  public static List<Problem> check(
      ConfigSnapshot snapshot, SchemaSet schemas, EncryptionKeys keys) {
    SecretCipher cipher = SecretCipher.of(keys);
    List<Problem> problems = new ArrayList<>();
    for (Map.Entry<String, JsonNode> leaf : snapshot.leaves().entrySet()) {
      ConfigPath path = ConfigPath.parse(leaf.getKey());
      JsonNode value = leaf.getValue();
      Origin origin = snapshot.origin(path).orElse(null);
      String text = value.isTextual() ? value.textValue() : null;
      if (EncryptedValue.looksEncrypted(text)) {
        checkEncrypted(path, text, origin, keys, cipher, problems);
      } else if (schemas.isSecret(path)) {
        if (!value.isNull()) {
          problems.add(
              Problem.error(
                  origin,
                  path.toString(),
                  "holds plaintext but is marked x-secret; store it encrypted"
                      + fileScope(origin).map(s -> " for scope " + s).orElse("")
                      + " (gitconf secrets encrypt)",
                  PLAINTEXT));
        }
      } else if (text != null && looksLikeSecretName(path, text)) {
        problems.add(
            Problem.warning(
                origin,
                path.toString(),
                "the key looks like a secret but the schema does not mark it x-secret; mark it"
                    + " \"x-secret\": true and encrypt the value",
                NAME));
      }
    }
    problems.sort(Problem.READING_ORDER);
    return List.copyOf(problems);
  }

  /**
   * The scope of a file of the config repository: {@code base} for {@code base/…}, the environment
   * for {@code environments/<env>/…}, empty for any other file.
   */
  public static Optional<String> scopeOf(String file) {
    String[] parts = file.split("/");
    if (parts.length == 2 && parts[0].equals("base")) {
      return Optional.of("base");
    }
    if (parts.length == 3 && parts[0].equals("environments") && EncryptedValue.isScope(parts[1])) {
      return Optional.of(parts[1]);
    }
    return Optional.empty();
  }

  private static void checkEncrypted(
      ConfigPath path,
      String text,
      Origin origin,
      EncryptionKeys keys,
      SecretCipher cipher,
      List<Problem> problems) {
    EncryptedValue value;
    try {
      value = EncryptedValue.parse(text);
    } catch (GitconfException.WrongType e) {
      problems.add(Problem.error(origin, path.toString(), e.getMessage(), FORMAT));
      return;
    }
    Optional<String> fileScope = fileScope(origin);
    if (fileScope.isPresent() && !fileScope.get().equals(value.scope())) {
      problems.add(
          Problem.error(
              origin,
              path.toString(),
              "encrypted for scope "
                  + value.scope()
                  + ", but it is written in a file of scope "
                  + fileScope.get()
                  + "; encrypt it for "
                  + fileScope.get()
                  + " (gitconf secrets encrypt)",
              SCOPE));
      return;
    }
    String scope = fileScope.orElse(value.scope());
    if (!keys.hasKeyFor(scope)) {
      return;
    }
    try {
      cipher.decrypt(path, scope, text);
    } catch (GitconfException.Decryption | GitconfException.Unavailable e) {
      String prefix = path + ": ";
      String message = e.getMessage();
      problems.add(
          Problem.error(
              origin,
              path.toString(),
              message.startsWith(prefix) ? message.substring(prefix.length()) : message,
              DECRYPT));
    }
  }

  private static Optional<String> fileScope(Origin origin) {
    return origin == null ? Optional.empty() : scopeOf(origin.file());
  }

  /** The {@code secret-name} heuristic of the class comment. */
  static boolean looksLikeSecretName(ConfigPath path, String value) {
    String key = path.last();
    String compact = key.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    if (SECRET_WORDS.stream().anyMatch(compact::contains)) {
      return true;
    }
    List<String> words =
        Arrays.stream(WORD_BOUNDARY.split(key))
            .filter(w -> !w.isEmpty() && !w.chars().allMatch(Character::isDigit))
            .toList();
    return !words.isEmpty()
        && words.get(words.size() - 1).equalsIgnoreCase("token")
        && !path.category().equals("tokens")
        && !SOLANA_ADDRESS.matcher(value).matches()
        && !TICKER.matcher(value).matches();
  }
}
