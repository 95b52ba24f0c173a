package io.gitconf.spring;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Masks gitconf's secrets as {@code ******} in {@code /actuator/env} and {@code
 * /actuator/configprops}: a secret property of a {@link GitconfPropertySource}, and its plaintext
 * wherever a bean bound it (configprops shows bean properties under names of their own).
 *
 * <p>Thread-safe.
 */
final class GitconfSanitizingFunction implements SanitizingFunction {
  private final ConfigurableEnvironment environment;

  GitconfSanitizingFunction(ConfigurableEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public SanitizableData apply(SanitizableData data) {
    if (data.getPropertySource() instanceof GitconfPropertySource source
        && source.isSecret(data.getKey())) {
      return data.withSanitizedValue();
    }
    for (GitconfPropertySource source : GitconfPropertySource.in(environment)) {
      if (source.isSecretPlaintext(data.getValue())) {
        return data.withSanitizedValue();
      }
    }
    return data;
  }
}
