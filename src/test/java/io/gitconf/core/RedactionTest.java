package io.gitconf.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedactionTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "https://syncer:tok3n@git.example.com/c.git | https://syncer:****@git.example.com/c.git",
        "https://tok3n@git.example.com/c.git | https://****@git.example.com/c.git",
        "jdbc:postgresql://postgres:PW@127.0.0.1:5432/x | jdbc:postgresql://postgres:****@127.0.0.1:5432/x",
        "cannot connect: postgres:PW@127.0.0.1 | cannot connect: postgres:****@127.0.0.1",
        "jdbc:postgresql://db/x?user=u&password=PW | jdbc:postgresql://db/x?user=u&password=****",
        "jdbc:postgresql://db/x?PASSWORD=PW&ssl=true | jdbc:postgresql://db/x?PASSWORD=****&ssl=true",
        "jdbc:postgresql://db/x?sslpassword=PW | jdbc:postgresql://db/x?sslpassword=****",
        "jdbc:postgresql://db/x?SslKey=/keys/k.pk8 | jdbc:postgresql://db/x?SslKey=****",
        "https://u:p@ss@host/r.git | https://u:****@host/r.git",
        "ssh://git:pw@host:22/r.git | ssh://git:****@host:22/r.git",
        "git@github.com:trading/config.git | git@github.com:trading/config.git",
        "Ada Trader <ada@example.com> | Ada Trader <ada@example.com>",
        "jdbc:postgresql://db:5432/gitconf?user=gitconf | jdbc:postgresql://db:5432/gitconf?user=gitconf",
      })
  void masksEveryFormACredentialTakesInAUrl(String text, String shown) {
    assertThat(Redaction.redact(text)).isEqualTo(shown);
    assertThat(Redaction.redact(shown)).isEqualTo(shown);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"password", "PASSWORD", "Password", "sslpassword", "SSLPASSWORD", "sslkey"})
  void masksASecretParameterInAnyCaseAndPlace(String name) {
    for (String text :
        List.of(
            "jdbc:postgresql://db/x?" + name + "=S3cr3t-v4lue",
            "jdbc:postgresql://db/x?user=u&" + name + "=S3cr3t-v4lue&ssl=true",
            "jdbc:sqlserver://db;" + name + "=S3cr3t-v4lue;encrypt=true",
            "failed with " + name + "=S3cr3t-v4lue given")) {
      assertThat(Redaction.redact(text)).doesNotContain("S3cr3t-v4lue").contains(name + "=****");
    }
  }

  @Property(tries = 500)
  void noUrlShapeLetsItsPasswordThrough(@ForAll("urls") Tuple.Tuple2<String, String> url) {
    String text = url.get1();
    String password = url.get2();

    String redacted = Redaction.redact(text);

    assertThat(redacted).doesNotContain(password);
    assertThat(Redaction.redact(redacted)).isEqualTo(redacted);
  }

  /**
   * A URL (or a driver's quote of its authority) carrying a password in one of the places one can
   * go, inside some text; with the password. Passwords start with {@code Zq9}, which no other part
   * can hold, so finding one means it leaked.
   */
  @Provide
  Arbitrary<Tuple.Tuple2<String, String>> urls() {
    Arbitrary<String> password =
        Arbitraries.strings()
            .withChars("abcXYZ0189!$%*+,.:;=@~-_")
            .ofMinLength(1)
            .ofMaxLength(16)
            .map(tail -> "Zq9" + tail);
    Arbitrary<String> scheme =
        Arbitraries.of("https://", "http://", "jdbc:postgresql://", "postgresql://", "ssh://");
    Arbitrary<String> user =
        Arbitraries.strings().withChars("abcdefg.-_").ofMinLength(1).ofMaxLength(8);
    Arbitrary<String> host =
        Arbitraries.of("db", "127.0.0.1", "git.example.com", "[::1]", "db-1.internal");
    Arbitrary<String> port = Arbitraries.of("", ":5432", ":443");
    Arbitrary<String> path = Arbitraries.of("", "/", "/gitconf", "/trading/config.git");
    Arbitrary<String> parameter =
        Arbitraries.of("password", "sslpassword", "sslkey")
            .flatMap(
                name ->
                    Arbitraries.integers()
                        .between(0, (1 << name.length()) - 1)
                        .map(mask -> mixedCase(name, mask)));
    Arbitrary<String> before = Arbitraries.of("", "cannot connect to ", "(", "\"", "url=");
    Arbitrary<String> after = Arbitraries.of("", ": refused", ")", "\"", "\nnext line");
    Arbitrary<Integer> form = Arbitraries.integers().between(0, 3);
    return Combinators.combine(
            Combinators.combine(scheme, user, host, port, path).as(List::of),
            password,
            parameter,
            form,
            before,
            after)
        .as(
            (parts, secret, name, kind, prefix, suffix) -> {
              String s = parts.get(0);
              String u = parts.get(1);
              String authority = parts.get(2) + parts.get(3);
              String p = parts.get(4);
              // A token alone holds no colon: with one, it is a user and a password.
              String token = secret.replace(":", "");
              String value = secret.replaceAll("[&;\"'\\s]", "");
              return switch (kind) {
                case 0 ->
                    Tuple.of(prefix + s + u + ":" + secret + "@" + authority + p + suffix, secret);
                case 1 -> Tuple.of(prefix + s + token + "@" + authority + p + suffix, token);
                case 2 -> Tuple.of(prefix + u + ":" + secret + "@" + authority + suffix, secret);
                default ->
                    Tuple.of(
                        prefix
                            + s
                            + authority
                            + (p.isEmpty() ? "/x" : p)
                            + "?user="
                            + u
                            + "&"
                            + name
                            + "="
                            + value
                            + suffix,
                        value);
              };
            });
  }

  private static String mixedCase(String name, int mask) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      text.append((mask & (1 << i)) != 0 ? Character.toUpperCase(c) : c);
    }
    return text.toString();
  }
}
