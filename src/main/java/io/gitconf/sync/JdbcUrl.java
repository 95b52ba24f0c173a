package io.gitconf.sync;

import io.gitconf.core.Redaction;
import io.gitconf.core.SecretMask;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * A PostgreSQL JDBC URL split into what may be shown and what may not: the URL without any
 * credential, and the credentials it carried as connection properties. Given {@code
 * jdbc:postgresql://gitconf:pw@db:5432/mirror?sslpassword=k&ssl=true}, the pool and the driver see
 * {@code jdbc:postgresql://db:5432/mirror?ssl=true} with {@code user}, {@code password} and {@code
 * sslpassword} as properties, so no driver or pool message can quote a password it was never given
 * in the URL. (pgjdbc itself does not read a user and password before the host; it would take them
 * for the host name.)
 *
 * <p>Immutable.
 *
 * @param url the URL without credentials, safe to show
 * @param credentials {@code user}, {@code password}, {@code sslpassword}, {@code sslkey} taken from
 *     the URL
 */
record JdbcUrl(String url, Properties credentials) {
  private static final String PREFIX = "jdbc:postgresql://";

  /**
   * Parameters that hold a secret (the key file's location included); moved out of the URL into
   * properties.
   */
  private static final Set<String> SECRET_PARAMETERS = Set.of("password", "sslpassword", "sslkey");

  static JdbcUrl parse(String jdbcUrl) {
    Properties credentials = new Properties();
    if (!jdbcUrl.startsWith(PREFIX)) {
      return new JdbcUrl(jdbcUrl, credentials);
    }
    String rest = jdbcUrl.substring(PREFIX.length());
    int query = rest.indexOf('?');
    String beforeQuery = query < 0 ? rest : rest.substring(0, query);
    // The user information ends at the last @ of the authority: a password may hold an @.
    int slash = beforeQuery.indexOf('/');
    int at = beforeQuery.lastIndexOf('@', slash < 0 ? beforeQuery.length() : slash);
    String address = beforeQuery;
    if (at >= 0) {
      String userInfo = beforeQuery.substring(0, at);
      address = beforeQuery.substring(at + 1);
      int colon = userInfo.indexOf(':');
      String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
      if (!user.isEmpty()) {
        credentials.setProperty("user", decode(user));
      }
      if (colon >= 0) {
        credentials.setProperty("password", decode(userInfo.substring(colon + 1)));
      }
    }
    List<String> kept = new ArrayList<>();
    if (query >= 0) {
      for (String parameter : rest.substring(query + 1).split("&")) {
        int equals = parameter.indexOf('=');
        String name = (equals < 0 ? parameter : parameter.substring(0, equals));
        if (equals >= 0 && SECRET_PARAMETERS.contains(name.toLowerCase(Locale.ROOT))) {
          credentials.setProperty(
              name.toLowerCase(Locale.ROOT), decode(parameter.substring(equals + 1)));
        } else if (!parameter.isEmpty()) {
          kept.add(parameter);
        }
      }
    }
    String url = PREFIX + address + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
    return new JdbcUrl(url, credentials);
  }

  Optional<String> user() {
    return Optional.ofNullable(credentials.getProperty("user"));
  }

  Optional<String> password() {
    return Optional.ofNullable(credentials.getProperty("password"));
  }

  /**
   * {@code text} with every credential value masked wherever it appears (a driver may quote a key
   * file's path, or anything it was given), then {@link Redaction#redact}ed. The user name stays.
   */
  static String mask(String text, Properties credentials) {
    String masked = text == null ? "" : text;
    for (String name : credentials.stringPropertyNames()) {
      String value = credentials.getProperty(name);
      if (!name.equals("user") && value.length() >= 4) {
        masked = masked.replace(value, SecretMask.MASK);
      }
    }
    return Redaction.redact(masked);
  }

  /** The credentials, with {@code password} filled in from {@code fallback} if the URL had none. */
  Properties connectionProperties(Optional<String> fallback) {
    Properties properties = new Properties();
    properties.putAll(credentials);
    if (!properties.containsKey("password")) {
      fallback.ifPresent(p -> properties.setProperty("password", p));
    }
    return properties;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      // Not percent-encoded after all (a lone %): taken as written.
      return text;
    }
  }
}
