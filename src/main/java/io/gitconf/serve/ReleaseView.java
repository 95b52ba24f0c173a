package io.gitconf.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.Json;
import io.gitconf.mirror.ReleaseState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * What a relay client needs to take part in an environment's release, as the relay sends it ({@code
 * GET /v1/environments/{env}/release}, see {@code docs/serve.md}): while a release is in progress,
 * its candidate version, phase, step percent and salt, from which the client computes its own
 * cohort; the base is the active version, which the client holds already. The state leaves the base
 * out so that an activation outside a release does not change its tag (and does not answer every
 * watch twice). The document is written once per release state; its tag (the entity tag, and what a
 * long poll's {@code release=} names) is a digest of its content, so every relay over the same
 * mirror gives the same state the same tag.
 *
 * <p>Immutable.
 *
 * @param candidate the candidate's document, read once per candidate version; empty without a
 *     release in progress or while it is held
 */
record ReleaseView(
    String environment,
    int base,
    Optional<ReleaseState> state,
    Optional<Published> candidate,
    String tag,
    byte[] bytes) {

  /**
   * The view of {@code environment} with active version {@code base} (kept for messages, not sent)
   * and its release, if any.
   */
  static ReleaseView of(
      String environment, int base, Optional<ReleaseState> state, Optional<Published> candidate) {
    ObjectNode json = Json.MAPPER.createObjectNode();
    json.put("environment", environment);
    if (state.isPresent()) {
      ReleaseState release = state.get();
      ObjectNode node = json.putObject("release");
      node.put("version", release.version());
      node.put("phase", release.phase().sql());
      node.put("step", release.step());
      node.put("percent", release.serving() ? release.percent() : 0);
      node.put("salt", release.salt());
    } else {
      json.putNull("release");
    }
    String content = Json.canonical(json);
    String tag = "\"r" + digest(content) + "\"";
    json.put("tag", tag);
    byte[] bytes = (Json.canonical(json) + "\n").getBytes(StandardCharsets.UTF_8);
    return new ReleaseView(environment, base, state, candidate, tag, bytes);
  }

  /** The candidate's version, when one is being served (rolling or paused). */
  Optional<Integer> serving() {
    return state.filter(ReleaseState::serving).map(ReleaseState::version);
  }

  private static String digest(String content) {
    try {
      byte[] sha =
          MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return environment
        + " base "
        + base
        + state.map(s -> ", candidate " + s.version() + " " + s.phase().sql()).orElse("");
  }
}
