package io.gitconf.spring;

import io.gitconf.client.ConfigManager;
import io.gitconf.core.GitconfException;
import io.gitconf.core.crypto.EncryptionKeys;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.logging.Log;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.boot.context.config.ConfigData;
import org.springframework.boot.context.config.ConfigDataLoader;
import org.springframework.boot.context.config.ConfigDataLoaderContext;
import org.springframework.boot.context.config.ConfigDataResourceNotFoundException;
import org.springframework.boot.logging.DeferredLogFactory;

/**
 * Loads a {@code gitconf:} import: starts the {@link ConfigManager} (failing fast, or from its
 * last-known-good cache, as the builder does) and gives its snapshot as a {@link
 * GitconfPropertySource}, which {@link GitconfAutoConfiguration} keeps up to date. The manager
 * becomes the bean {@value #MANAGER_BEAN}, closed with the application context.
 *
 * <p>Keys are an {@link EncryptionKeys} registered in the bootstrap context ({@code
 * SpringApplication.addBootstrapRegistryInitializer}), else the process's environment variables. An
 * {@code optional:gitconf:} import whose source cannot be loaded (and has no cache) is skipped; any
 * other failure stops the start-up with gitconf's message.
 *
 * <p>One manager per set of settings in a process: an environment prepared again (as Spring Cloud's
 * refresh does) reuses the running one. Thread-safe.
 */
public final class GitconfConfigDataLoader implements ConfigDataLoader<GitconfConfigDataResource> {
  static final String MANAGER_BEAN = "gitconfConfigManager";

  private static final Map<GitconfProperties, ConfigManager> RUNNING = new ConcurrentHashMap<>();

  private final Log log;

  /** Made by Spring Boot from {@code META-INF/spring.factories}. */
  public GitconfConfigDataLoader(DeferredLogFactory logs) {
    this.log = logs.getLog(GitconfConfigDataLoader.class);
  }

  @Override
  public ConfigData load(ConfigDataLoaderContext context, GitconfConfigDataResource resource) {
    ConfigurableBootstrapContext bootstrap = context.getBootstrapContext();
    EncryptionKeys keys =
        bootstrap.isRegistered(EncryptionKeys.class)
            ? bootstrap.get(EncryptionKeys.class)
            : EncryptionKeys.fromEnvironment();
    ConfigManager manager;
    try {
      manager =
          RUNNING.compute(
              resource.properties(),
              (settings, running) ->
                  running != null && !running.isClosed()
                      ? running
                      : settings.applyTo(ConfigManager.builder()).keys(keys).build());
    } catch (GitconfException e) {
      if (resource.optional()) {
        log.warn(
            "optional:gitconf: skipped, the application starts without gitconf's configuration: "
                + e.getMessage());
        throw new ConfigDataResourceNotFoundException(resource, e);
      }
      throw e;
    }
    GitconfPropertySource source = new GitconfPropertySource(manager, keys);
    bootstrap.addCloseListener(
        event -> {
          ConfigurableListableBeanFactory beans = event.getApplicationContext().getBeanFactory();
          if (!beans.containsSingleton(MANAGER_BEAN)) {
            beans.registerSingleton(MANAGER_BEAN, manager);
            // Closed with the context, also when its start fails after this point.
            if (beans instanceof DefaultSingletonBeanRegistry registry) {
              registry.registerDisposableBean(MANAGER_BEAN, () -> close(manager));
            }
          }
        });
    return new ConfigData(List.of(source));
  }

  /** Closes a manager this loader started, so that a later start makes a new one. */
  private static void close(ConfigManager manager) {
    RUNNING.values().remove(manager);
    manager.close();
  }

  /** The managers started and not yet closed. */
  static Collection<ConfigManager> running() {
    return List.copyOf(RUNNING.values());
  }
}
