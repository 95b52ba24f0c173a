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
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
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
 * <p>Values inside lists get the same checks. A list item is secret when the list's {@code items}
 * (or {@code prefixItems}) schema marks it {@code x-secret}, or the list itself is marked; inside
 * an item that is a map, each key follows that item schema's {@code properties}. A problem inside a
 * list names the list's path and starts its message with the item's place, as schema errors do:
 * {@code trader.rpc.apiKeys: item 1: holds plaintext…}, or {@code item 0.apiKey: …} for a key of an
 * item. A list item's ciphertext is bound to the list's path with {@code []} appended ({@code
 * trader.rpc.apiKeys[]}, {@code trader.endpoints[].apiKey}, as {@code StrictYamlReader} names list
 * items): it cannot be moved out of the list, nor in from a scalar, though items of one list may
 * swap places. The {@code secret-name} heuristic applies to the keys of maps inside lists, not to a
 * list's own key.
 *
 * <p>Messages never contain the value. A snapshot without provenance (built from stored leaves) has
 * no files, so its values' scopes are not checked and each value is decrypted under the scope it
 * names.
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
  private static final Comparator<String> BASE_FIRST =
      Comparator.comparing((String scope) -> !scope.equals("base"))
          .thenComparing(Comparator.naturalOrder());

  private SecretRules() {}

  /**
   * Every secret problem of {@code snapshot}, in reading order. With {@link EncryptionKeys#none()}
   * only form and scope are checked.
   */
  public static List<Problem> check(
      ConfigSnapshot snapshot, SchemaSet schemas, EncryptionKeys keys) {
    SecretCipher cipher = SecretCipher.of(keys);
    List<Problem> problems = new ArrayList<>();
    walk(snapshot, schemas, value -> checkValue(value, keys, cipher, problems));
    problems.sort(Problem.READING_ORDER);
    return List.copyOf(problems);
  }

  /**
   * How many encrypted values of the snapshots {@link #check} could not prove to decrypt, for want
   * of a key for their scope, by scope ({@code base} first, then by name). A value shared by
   * several snapshots (written in base, or in a common ancestor) counts once; a value that is
   * malformed or in the wrong scope is an error of {@link #check} and is not counted.
   */
  public static Map<String, Integer> unproven(
      Collection<ConfigSnapshot> snapshots, EncryptionKeys keys) {
    Map<String, Set<String>> places = new TreeMap<>(BASE_FIRST);
    for (ConfigSnapshot snapshot : snapshots) {
      walk(
          snapshot,
          SchemaSet.none(),
          value -> {
            Optional<String> scope = decryptionScope(value);
            if (scope.isPresent() && !keys.hasKeyFor(scope.get())) {
              places.computeIfAbsent(scope.get(), s -> new HashSet<>()).add(value.place());
            }
          });
    }
    Map<String, Integer> counts = new LinkedHashMap<>();
    places.forEach((scope, set) -> counts.put(scope, set.size()));
    return counts;
  }

  /**
   * The variables that would provide a key for {@code scope}, as a hint: {@code GITCONF_KEY_PROD or
   * GITCONF_MASTER_KEY}.
   */
  public static String keyVariables(String scope) {
    return EncryptionKeys.scopedVariable(scope) + " or " + EncryptionKeys.MASTER_KEY;
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

  private static void walk(ConfigSnapshot snapshot, SchemaSet schemas, Consumer<Value> visitor) {
    for (Map.Entry<String, JsonNode> leaf : snapshot.leaves().entrySet()) {
      ConfigPath path = ConfigPath.parse(leaf.getKey());
      Origin origin = snapshot.origin(path).orElse(null);
      JsonNode schema = schemas.schemaAt(path).orElse(null);
      Value value = new Value(path, path, "", origin, leaf.getValue(), isSecret(schema), true);
      visit(value, schema, schemas.schemas().get(path.category()), visitor);
    }
  }

  /** Hands every scalar to the visitor, descending into lists and into the maps inside them. */
  private static void visit(Value value, JsonNode schema, JsonNode root, Consumer<Value> visitor) {
    JsonNode node = value.node();
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        JsonNode itemSchema = itemSchema(schema, i, root);
        visit(value.item(i, node.get(i), isSecret(itemSchema)), itemSchema, root, visitor);
      }
    } else if (node.isObject() && !value.item().isEmpty()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        JsonNode fieldSchema = propertySchema(schema, field.getKey(), root);
        visit(
            value.key(field.getKey(), field.getValue(), isSecret(fieldSchema)),
            fieldSchema,
            root,
            visitor);
      }
    } else {
      visitor.accept(value);
    }
  }

  private static void checkValue(
      Value value, EncryptionKeys keys, SecretCipher cipher, List<Problem> problems) {
    String text = value.node().isTextual() ? value.node().textValue() : null;
    if (EncryptedValue.looksEncrypted(text)) {
      checkEncrypted(value, text, keys, cipher, problems);
    } else if (value.secret()) {
      if (!value.node().isNull()) {
        problems.add(
            value.error(
                "holds plaintext but is marked x-secret; store it encrypted"
                    + fileScope(value.origin()).map(s -> " for scope " + s).orElse("")
                    + " (gitconf secrets encrypt)",
                PLAINTEXT));
      }
    } else if (text != null && value.named() && looksLikeSecretName(value.bound(), text)) {
      problems.add(
          Problem.warning(
              value.origin(),
              value.path().toString(),
              value.prefix()
                  + "the key looks like a secret but the schema does not mark it x-secret; mark it"
                  + " \"x-secret\": true and encrypt the value",
              NAME));
    }
  }

  private static void checkEncrypted(
      Value value, String text, EncryptionKeys keys, SecretCipher cipher, List<Problem> problems) {
    EncryptedValue encrypted;
    try {
      encrypted = EncryptedValue.parse(text);
    } catch (GitconfException.WrongType e) {
      problems.add(value.error(e.getMessage(), FORMAT));
      return;
    }
    Optional<String> fileScope = fileScope(value.origin());
    if (fileScope.isPresent() && !fileScope.get().equals(encrypted.scope())) {
      problems.add(
          value.error(
              "encrypted for scope "
                  + encrypted.scope()
                  + ", but it is written in a file of scope "
                  + fileScope.get()
                  + "; encrypt it for "
                  + fileScope.get()
                  + " (gitconf secrets encrypt)",
              SCOPE));
      return;
    }
    String scope = fileScope.orElse(encrypted.scope());
    if (!keys.hasKeyFor(scope)) {
      return;
    }
    try {
      cipher.decrypt(value.bound(), scope, text);
    } catch (GitconfException.Decryption | GitconfException.Unavailable e) {
      String prefix = value.bound() + ": ";
      String message = e.getMessage();
      problems.add(
          value.error(
              message.startsWith(prefix) ? message.substring(prefix.length()) : message, DECRYPT));
    }
  }

  /**
   * The scope a well-formed encrypted value in the right scope is decrypted under; empty for
   * anything else (plain values, and the ciphertexts {@link #check} reports as errors).
   */
  private static Optional<String> decryptionScope(Value value) {
    String text = value.node().isTextual() ? value.node().textValue() : null;
    if (!EncryptedValue.looksEncrypted(text)) {
      return Optional.empty();
    }
    EncryptedValue encrypted;
    try {
      encrypted = EncryptedValue.parse(text);
    } catch (GitconfException.WrongType e) {
      return Optional.empty();
    }
    Optional<String> fileScope = fileScope(value.origin());
    if (fileScope.isPresent() && !fileScope.get().equals(encrypted.scope())) {
      return Optional.empty();
    }
    return Optional.of(fileScope.orElse(encrypted.scope()));
  }

  private static boolean isSecret(JsonNode schema) {
    return schema != null && schema.path("x-secret").asBoolean(false);
  }

  /**
   * The schema of a list's item at {@code index}: its {@code prefixItems} entry, else {@code
   * items}.
   */
  private static JsonNode itemSchema(JsonNode list, int index, JsonNode root) {
    if (list == null) {
      return null;
    }
    JsonNode prefix = list.path("prefixItems");
    JsonNode item =
        prefix.isArray() && index < prefix.size() ? prefix.get(index) : list.get("items");
    return item != null && item.isObject() ? resolve(root, item) : null;
  }

  /** The schema of a key of a map inside a list, found as {@link SchemaSet#schemaAt} finds one. */
  private static JsonNode propertySchema(JsonNode map, String key, JsonNode root) {
    return SchemaSet.propertySchema(root, map, key).orElse(null);
  }

  private static JsonNode resolve(JsonNode root, JsonNode node) {
    return SchemaSet.resolve(root, node);
  }

  /**
   * One value to check: a leaf of the snapshot, or a scalar inside a leaf's list.
   *
   * @param path the leaf's path, which problems name
   * @param bound the path a ciphertext here is bound to ({@code []} marks a list item)
   * @param item the value's place inside the leaf ({@code item 1}, {@code item 0.apiKey}), empty
   *     for the leaf itself
   * @param origin file and line of the leaf, or null without provenance
   * @param secret the schema marks the value, or a list holding it, {@code x-secret}
   * @param named the value sits under a key of its own, so the secret-name heuristic applies
   */
  private record Value(
      ConfigPath path,
      ConfigPath bound,
      String item,
      Origin origin,
      JsonNode node,
      boolean secret,
      boolean named) {

    Value item(int index, JsonNode child, boolean secretItem) {
      List<String> segments = new ArrayList<>(bound.segments());
      segments.set(segments.size() - 1, bound.last() + "[]");
      String place = item.isEmpty() ? "item " + index : item + "." + index;
      return new Value(
          path, new ConfigPath(segments), place, origin, child, secret || secretItem, false);
    }

    Value key(String key, JsonNode child, boolean secretKey) {
      return new Value(
          path, bound.child(key), item + "." + key, origin, child, secret || secretKey, true);
    }

    String prefix() {
      return item.isEmpty() ? "" : item + ": ";
    }

    /** Tells values apart across snapshots: the same file, line and place is the same value. */
    String place() {
      return origin + "|" + bound + "|" + item;
    }

    Problem error(String message, String rule) {
      return Problem.error(origin, path.toString(), prefix() + message, rule);
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
