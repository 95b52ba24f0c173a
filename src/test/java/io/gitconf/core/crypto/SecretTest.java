package io.gitconf.core.crypto;

import static io.gitconf.core.crypto.TestKeys.PLAINTEXT;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Json;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class SecretTest {
  private final Secret secret = Secret.of(PLAINTEXT);

  @Test
  void revealReturnsThePlaintext() {
    assertThat(secret.reveal()).isEqualTo(PLAINTEXT);
    assertThat(Secret.of(PLAINTEXT.toCharArray()).reveal()).isEqualTo(PLAINTEXT);
    assertThat(Secret.of("żółw €").reveal()).isEqualTo("żółw €");
  }

  @Test
  void toStringAndConcatenationShowOnlyTheMask() {
    assertThat(secret.toString()).isEqualTo("****");
    assertThat(String.valueOf(secret)).isEqualTo("****");
    assertThat("key=" + secret).isEqualTo("key=****");
    assertThat(String.format("%s", secret)).isEqualTo("****");
    assertThat(Optional.of(secret).toString()).isEqualTo("Optional[****]");
    assertThat(List.of(secret).toString()).isEqualTo("[****]");
  }

  @Test
  void jacksonWritesTheMask() throws Exception {
    assertThat(new ObjectMapper().writeValueAsString(secret)).isEqualTo("\"****\"");
    assertThat(Json.MAPPER.writeValueAsString(Map.of("apiKey", secret)))
        .isEqualTo("{\"apiKey\":\"****\"}");
    assertThat(Json.YAML.writeValueAsString(Map.of("apiKey", secret)))
        .doesNotContain(PLAINTEXT)
        .contains("****");
  }

  @Test
  void loggingShowsOnlyTheMask() {
    Logger logger = (Logger) LoggerFactory.getLogger(SecretTest.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    logger.addAppender(logs);
    Level level = logger.getLevel();
    logger.setLevel(Level.TRACE);
    try {
      logger.debug("api key {}", secret);
      logger.info("keys {}", Map.of("apiKey", secret));
      logger.warn("rejected " + secret, new GitconfException.BadRequest("bad key " + secret));
    } finally {
      logger.detachAppender(logs);
      logger.setLevel(level);
    }

    assertThat(logs.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly("api key ****", "keys {apiKey=****}", "rejected ****");
    assertThat(ThrowableProxyUtil.asString(logs.list.get(2).getThrowableProxy()))
        .contains("bad key ****")
        .doesNotContain(PLAINTEXT);
  }

  @Test
  void equalsComparesContent() {
    assertThat(secret)
        .isEqualTo(Secret.of(PLAINTEXT))
        .isEqualTo(Secret.of(PLAINTEXT.toCharArray()));
    assertThat(secret).isNotEqualTo(Secret.of(PLAINTEXT + "x"));
    assertThat(secret).isNotEqualTo(Secret.of("s3cr3t-PLAINTEXT-7g"));
    assertThat(secret).isNotEqualTo(PLAINTEXT);
    assertThat(secret.hashCode()).isEqualTo(Secret.of(PLAINTEXT).hashCode());
  }

  @Test
  void hashCodeDependsOnLengthOnly() {
    assertThat(Secret.of("aaaa").hashCode()).isEqualTo(Secret.of("bbbb").hashCode());
  }
}
