package io.gitconf.spring;

import java.util.Objects;
import org.springframework.boot.context.config.ConfigDataResource;

/**
 * One {@code gitconf:} import: the settings it is loaded with, and whether it was {@code
 * optional:}. Equal settings are one resource, loaded once.
 *
 * <p>Immutable once made (its settings are not changed after resolution).
 */
final class GitconfConfigDataResource extends ConfigDataResource {
  private final GitconfProperties properties;
  private final boolean optional;

  GitconfConfigDataResource(GitconfProperties properties, boolean optional) {
    super(optional);
    this.properties = properties;
    this.optional = optional;
  }

  GitconfProperties properties() {
    return properties;
  }

  boolean optional() {
    return optional;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof GitconfConfigDataResource that
        && properties.equals(that.properties)
        && optional == that.optional;
  }

  @Override
  public int hashCode() {
    return Objects.hash(properties, optional);
  }

  @Override
  public String toString() {
    return (optional ? "optional:" : "") + "gitconf:" + properties;
  }
}
