package io.gitconf.spring;

import java.util.List;
import org.springframework.boot.context.config.ConfigDataLocation;
import org.springframework.boot.context.config.ConfigDataLocationResolver;
import org.springframework.boot.context.config.ConfigDataLocationResolverContext;
import org.springframework.boot.context.properties.bind.Bindable;

/**
 * Resolves {@code spring.config.import=gitconf:} (and {@code optional:gitconf:}) to the {@code
 * gitconf.*} settings bound at that point; {@code gitconf:prod} names the environment in the import
 * itself, over {@code gitconf.environment}.
 *
 * <p>Registered in {@code META-INF/spring.factories}. Stateless.
 */
public final class GitconfConfigDataLocationResolver
    implements ConfigDataLocationResolver<GitconfConfigDataResource> {
  static final String PREFIX = "gitconf:";

  @Override
  public boolean isResolvable(
      ConfigDataLocationResolverContext context, ConfigDataLocation location) {
    return location.hasPrefix(PREFIX);
  }

  @Override
  public List<GitconfConfigDataResource> resolve(
      ConfigDataLocationResolverContext context, ConfigDataLocation location) {
    GitconfProperties properties =
        context
            .getBinder()
            .bind(GitconfProperties.PREFIX, Bindable.of(GitconfProperties.class))
            .orElseGet(GitconfProperties::new);
    String environment = location.getNonPrefixedValue(PREFIX).strip();
    if (!environment.isEmpty()) {
      properties.setEnvironment(environment);
    }
    return List.of(new GitconfConfigDataResource(properties, location.isOptional()));
  }
}
