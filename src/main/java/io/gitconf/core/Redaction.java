package io.gitconf.core;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks the credentials a URL can carry, wherever URLs end up in text: messages, log lines,
 * banners, JSON output. Credentials belong in environment variables, but one pasted into a URL must
 * not reach anything a person or a log collector reads. Every place that shows a URL, or a message
 * that may quote one (a driver's or JGit's), goes through {@link #redact}.
 *
 * <p>What is masked, as {@code ****}:
 *
 * <ul>
 *   <li>the password of a URL's user information, {@code https://user:token@host} and {@code
 *       jdbc:postgresql://user:pw@host}, and a user information without a password (often a token),
 *       {@code https://token@host};
 *   <li>the same {@code user:password@host} without a scheme, as drivers quote a host they could
 *       not resolve;
 *   <li>the value of a parameter that holds a secret, in any case: {@code password}, {@code
 *       sslpassword}, {@code sslkey} (where a private key lies), and the usual names of tokens.
 * </ul>
 *
 * <p>A Git remote in the scp form ({@code git@host:org/repo.git}) carries no password and is left
 * as it is. Redacting twice gives the same text as redacting once.
 *
 * <p>Stateless and thread-safe.
 */
public final class Redaction {
  private static final String MASK = SecretMask.MASK;

  /**
   * {@code scheme://userinfo@}: the user information runs to the last {@code @} before the host,
   * since a password may itself hold an {@code @}.
   */
  private static final Pattern URL_USERINFO =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)([^\\s/?#]*)@");

  /** {@code user:password@host} with no scheme, starting a word. */
  private static final Pattern BARE_USERINFO =
      Pattern.compile("(?<![\\w.%+:/@*-])([\\w.%+-]+):([^\\s/?#]+)@(?=[\\w.\\[-])");

  /** {@code name=value} where the name says the value is secret, in a query or a property list. */
  private static final Pattern SECRET_PARAMETER =
      Pattern.compile(
          "(?i)(?<=^|[?&;\\s,(\"'])((?:ssl)?password|sslkey|passwd|pwd|secret|client_secret"
              + "|token|access_token|private_token|api_?key)=([^&;\\s\"']*)");

  private Redaction() {}

  /** {@code text} with every credential a URL in it carries masked; "" for null. */
  public static String redact(String text) {
    if (text == null) {
      return "";
    }
    String masked = maskUrlUserInfo(text);
    masked = BARE_USERINFO.matcher(masked).replaceAll(m -> quote(m.group(1) + ":" + MASK + "@"));
    return SECRET_PARAMETER.matcher(masked).replaceAll(m -> quote(m.group(1) + "=" + MASK));
  }

  private static String maskUrlUserInfo(String text) {
    Matcher m = URL_USERINFO.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String userInfo = m.group(2);
      int colon = userInfo.indexOf(':');
      // user:password keeps the user (it says whose account); a lone user part may be a token.
      String shown = colon < 0 ? MASK : userInfo.substring(0, colon + 1) + MASK;
      m.appendReplacement(out, quote(m.group(1) + shown + "@"));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String quote(String replacement) {
    return Matcher.quoteReplacement(replacement);
  }
}
