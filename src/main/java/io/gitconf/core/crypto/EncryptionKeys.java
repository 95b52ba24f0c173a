package io.gitconf.core.crypto;

import io.gitconf.core.GitconfException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * The encryption keys a process holds, read from environment variables only (never from files or
 * the config repository):
 *
 * <ul>
 *   <li>{@code GITCONF_MASTER_KEY}: base64 of 32 bytes. Derives the key of every scope ({@code
 *       base} and each environment) with HKDF-SHA256, salt {@code gitconf/v1} (UTF-8), info {@code
 *       scope:<scope>} (UTF-8), 32 bytes of output.
 *   <li>{@code GITCONF_MASTER_KEY_ID}: the id of the current key, {@code k1} when unset. New values
 *       are encrypted under it; it is the id of {@code GITCONF_MASTER_KEY} and of every {@code
 *       GITCONF_KEY_<SCOPE>}. The id {@code id} is reserved because of this variable's name.
 *   <li>{@code GITCONF_MASTER_KEY_<KID>}: a master key under another id, for rotation: the id in
 *       upper case with {@code -} written as {@code _} ({@code GITCONF_MASTER_KEY_K2} for {@code
 *       k2}, {@code GITCONF_MASTER_KEY_2026_11} for {@code 2026-11}). It may also hold the current
 *       key instead of {@code GITCONF_MASTER_KEY}; if both are set they must be equal.
 *   <li>{@code GITCONF_KEY_<SCOPE>}: the key of one scope alone (scope upper-cased, {@code -}
 *       written as {@code _}), as {@link #deriveScopedKey} prints it, under the current key id. It
 *       decrypts that scope and nothing else; if a master key is also set, it must derive the same
 *       key. The prefix {@code GITCONF_KEY_} is reserved for such keys.
 * </ul>
 *
 * <p>Surrounding whitespace of a value is ignored and an empty value counts as unset (CI systems
 * pass unset secrets as empty strings). A malformed variable fails {@link #from} with {@link
 * GitconfException.Unavailable} naming the variable and never its value.
 *
 * <p>Immutable and thread-safe. Key bytes never leave this package, and {@link #toString()} names
 * variables only.
 */
public final class EncryptionKeys {
  public static final String MASTER_KEY = "GITCONF_MASTER_KEY";
  public static final String MASTER_KEY_ID = "GITCONF_MASTER_KEY_ID";
  public static final String DEFAULT_KEY_ID = "k1";
  static final String MASTER_KEY_PREFIX = MASTER_KEY + "_";
  static final String SCOPED_KEY_PREFIX = "GITCONF_KEY_";
  static final int KEY_BYTES = 32;
  static final byte[] HKDF_SALT = "gitconf/v1".getBytes(StandardCharsets.UTF_8);
  static final String HKDF_INFO_PREFIX = "scope:";

  private static final Pattern KID_SUFFIX = Pattern.compile("^[A-Z0-9][A-Z0-9_]{0,31}$");
  private static final Pattern SCOPE_SUFFIX = Pattern.compile("^[A-Z][A-Z0-9_]{0,31}$");
  private static final String KEY_FORM =
      "a key is the base64 (standard alphabet) of 32 random bytes, e.g. from gitconf secrets keygen";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final EncryptionKeys NONE = new EncryptionKeys(DEFAULT_KEY_ID, Map.of(), Map.of());

  private final String currentKeyId;
  private final Map<String, byte[]> masterKeys; // by variable name
  private final Map<String, byte[]> scopedKeys; // by scope

  private EncryptionKeys(
      String currentKeyId, Map<String, byte[]> masterKeys, Map<String, byte[]> scopedKeys) {
    this.currentKeyId = currentKeyId;
    this.masterKeys = Collections.unmodifiableMap(new TreeMap<>(masterKeys));
    this.scopedKeys = Collections.unmodifiableMap(new TreeMap<>(scopedKeys));
  }

  /** The keys in this process's environment ({@link System#getenv()}). */
  public static EncryptionKeys fromEnvironment() {
    return from(System.getenv());
  }

  /** No keys: encrypted values can be checked for form and scope, not decrypted. */
  public static EncryptionKeys none() {
    return NONE;
  }

  /**
   * The keys in {@code env} (variables other than the ones above are ignored); {@link
   * GitconfException.Unavailable} listing every malformed variable.
   */
  public static EncryptionKeys from(Map<String, String> env) {
    List<String> errors = new ArrayList<>();
    String keyId = DEFAULT_KEY_ID;
    String idText = present(env.get(MASTER_KEY_ID));
    if (idText != null) {
      if (EncryptedValue.isKeyId(idText)) {
        keyId = idText;
      } else {
        errors.add(
            MASTER_KEY_ID
                + ": not a valid key id (lower-case letters, digits, '_' or '-', starting with a"
                + " letter or digit, at most 32 characters, and not 'id')");
      }
    }
    Map<String, byte[]> master = new TreeMap<>();
    Map<String, byte[]> scoped = new TreeMap<>();
    for (Map.Entry<String, String> entry : new TreeMap<>(env).entrySet()) {
      String name = entry.getKey();
      String value = present(entry.getValue());
      if (value == null || name.equals(MASTER_KEY_ID)) {
        continue;
      }
      if (name.equals(MASTER_KEY) || name.startsWith(MASTER_KEY_PREFIX)) {
        if (!name.equals(MASTER_KEY)
            && !KID_SUFFIX.matcher(name.substring(MASTER_KEY_PREFIX.length())).matches()) {
          errors.add(
              name
                  + ": not a key variable name (GITCONF_MASTER_KEY_<KID>: the key id in upper"
                  + " case, '-' written as '_', e.g. GITCONF_MASTER_KEY_K2)");
          continue;
        }
        decode(name, value, errors).ifPresent(key -> master.put(name, key));
      } else if (name.startsWith(SCOPED_KEY_PREFIX)) {
        String suffix = name.substring(SCOPED_KEY_PREFIX.length());
        if (!SCOPE_SUFFIX.matcher(suffix).matches()) {
          errors.add(
              name
                  + ": not a key variable name (GITCONF_KEY_<SCOPE>: the scope in upper case, '-'"
                  + " written as '_', e.g. GITCONF_KEY_PROD)");
          continue;
        }
        String scope = suffix.toLowerCase(Locale.ROOT).replace('_', '-');
        decode(name, value, errors).ifPresent(key -> scoped.put(scope, key));
      }
    }
    if (errors.isEmpty()) {
      checkConsistent(keyId, master, scoped, errors);
    }
    if (!errors.isEmpty()) {
      throw new GitconfException.Unavailable(String.join("; ", errors));
    }
    return new EncryptionKeys(keyId, master, scoped);
  }

  /** A new random master key: base64 of 32 bytes from {@link SecureRandom}. */
  public static String generateMasterKey() {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    try {
      return Base64.getEncoder().encodeToString(key);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /**
   * The key of one scope under the current key id, base64, for a {@code GITCONF_KEY_<SCOPE>}
   * variable; needs the current master key.
   */
  public String deriveScopedKey(String scope) {
    requireScope(scope);
    byte[] master =
        master(currentKeyId)
            .orElseThrow(
                () ->
                    new GitconfException.Unavailable(
                        "deriving a scoped key needs the master key of key id "
                            + currentKeyId
                            + ": set "
                            + MASTER_KEY));
    byte[] key = derive(master, scope);
    try {
      return Base64.getEncoder().encodeToString(key);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /** The key id new values are encrypted under. */
  public String currentKeyId() {
    return currentKeyId;
  }

  /** True when no key at all is held. */
  public boolean isEmpty() {
    return masterKeys.isEmpty() && scopedKeys.isEmpty();
  }

  /** True when some key of {@code scope} is held: a master key, or that scope's own key. */
  public boolean hasKeyFor(String scope) {
    return !masterKeys.isEmpty() || scopedKeys.containsKey(scope);
  }

  /**
   * The AES key of a scope under a key id, a fresh array the caller wipes; {@link
   * GitconfException.Unavailable} saying which variable would provide it.
   */
  byte[] key(String scope, String keyId) {
    requireScope(scope);
    Optional<byte[]> master = master(keyId);
    if (master.isPresent()) {
      return derive(master.get(), scope);
    }
    byte[] scopedKey = keyId.equals(currentKeyId) ? scopedKeys.get(scope) : null;
    if (scopedKey != null) {
      return scopedKey.clone();
    }
    String hint =
        keyId.equals(currentKeyId)
            ? MASTER_KEY + " or " + scopedVariable(scope)
            : masterVariable(keyId)
                + ", or "
                + scopedVariable(scope)
                + " with "
                + MASTER_KEY_ID
                + "="
                + keyId;
    throw new GitconfException.Unavailable(
        "no key for scope " + scope + " (kid " + keyId + "): set " + hint);
  }

  /** HKDF-SHA256 of a master key for one scope (salt and info as the class comment says). */
  static byte[] derive(byte[] master, String scope) {
    return hkdfSha256(
        master, HKDF_SALT, (HKDF_INFO_PREFIX + scope).getBytes(StandardCharsets.UTF_8), KEY_BYTES);
  }

  /** RFC 5869 HKDF with SHA-256: extract, then expand to {@code length} bytes. */
  static byte[] hkdfSha256(byte[] ikm, byte[] salt, byte[] info, int length) {
    HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
    generator.init(new HKDFParameters(ikm, salt, info));
    byte[] out = new byte[length];
    generator.generateBytes(out, 0, length);
    return out;
  }

  static String masterVariable(String keyId) {
    return MASTER_KEY_PREFIX + keyId.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  static String scopedVariable(String scope) {
    return SCOPED_KEY_PREFIX + scope.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  private Optional<byte[]> master(String keyId) {
    byte[] key = keyId.equals(currentKeyId) ? masterKeys.get(MASTER_KEY) : null;
    return Optional.ofNullable(key != null ? key : masterKeys.get(masterVariable(keyId)));
  }

  private static void checkConsistent(
      String keyId, Map<String, byte[]> master, Map<String, byte[]> scoped, List<String> errors) {
    byte[] current = master.get(MASTER_KEY);
    byte[] byId = master.get(masterVariable(keyId));
    if (current != null && byId != null && !MessageDigest.isEqual(current, byId)) {
      errors.add(
          MASTER_KEY
              + " and "
              + masterVariable(keyId)
              + " both give key id "
              + keyId
              + " but hold different keys; unset one of them");
      return;
    }
    byte[] currentMaster = current != null ? current : byId;
    if (currentMaster == null) {
      return;
    }
    for (Map.Entry<String, byte[]> entry : scoped.entrySet()) {
      byte[] derived = derive(currentMaster, entry.getKey());
      if (!MessageDigest.isEqual(derived, entry.getValue())) {
        errors.add(
            scopedVariable(entry.getKey())
                + " is not the key the master key of key id "
                + keyId
                + " derives for scope "
                + entry.getKey()
                + "; unset one of them");
      }
      Arrays.fill(derived, (byte) 0);
    }
  }

  private static Optional<byte[]> decode(String variable, String value, List<String> errors) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      errors.add(variable + ": not valid base64 (" + KEY_FORM + ")");
      return Optional.empty();
    }
    if (bytes.length != KEY_BYTES) {
      errors.add(
          variable
              + ": decodes to "
              + bytes.length
              + " bytes, expected "
              + KEY_BYTES
              + " ("
              + KEY_FORM
              + ")");
      Arrays.fill(bytes, (byte) 0);
      return Optional.empty();
    }
    return Optional.of(bytes);
  }

  private static String present(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    return value.strip();
  }

  static void requireScope(String scope) {
    if (scope == null || !EncryptedValue.isScope(scope)) {
      throw new GitconfException.BadRequest(
          "'"
              + scope
              + "' is not a scope: use base or an environment name (a lower-case letter, then lower-case"
              + " letters, digits or '-', at most 32 characters)");
    }
  }

  /** Names the variables that provided keys; never key material. */
  @Override
  public String toString() {
    List<String> variables = new ArrayList<>(masterKeys.keySet());
    scopedKeys.keySet().forEach(scope -> variables.add(scopedVariable(scope)));
    return "EncryptionKeys[current key id "
        + currentKeyId
        + (variables.isEmpty() ? ", no keys" : ", " + String.join(", ", variables))
        + "]";
  }
}
