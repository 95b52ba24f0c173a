package io.gitconf.spring;

import java.util.List;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * Masks gitconf's secrets as {@code ******} in {@code /actuator/env} and {@code
 * /actuator/configprops}: a secret property of a {@link GitconfPropertySource}, and its plaintext
 * wherever a bean bound it (configprops shows bean properties under names of their own).
 *
 * <p>Thread-safe.
 */
final class GitconfSanitizingFunction implements SanitizingFunction {
  private final List<GitconfPropertySource> sources;

  GitconfSanitizingFunction(List<GitconfPropertySource> sources) {
    this.sources = List.copyOf(sources);
  }

  @Override
  public SanitizableData apply(SanitizableData data) {
    if (data.getPropertySource() instanceof GitconfPropertySource source
        && source.isSecret(data.getKey())) {
      return data.withSanitizedValue();
    }
    for (GitconfPropertySource source : sources) {
      if (source.isSecretPlaintext(data.getValue())) {
        return data.withSanitizedValue();
      }
    }
    return data;
  }
}
