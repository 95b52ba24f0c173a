package io.gitconf.spring;

import io.gitconf.client.ConfigChangeEvent;
import io.gitconf.client.ConfigManager;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.ConfigurationPropertiesBean;
import org.springframework.boot.context.properties.ConfigurationPropertiesBindingPostProcessor;
import org.springframework.boot.context.properties.bind.BindMethod;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Applies what gitconf activates to a running Spring application. When a version is activated it
 * refreshes the {@link GitconfPropertySource}, then rebinds the {@code @ConfigurationProperties}
 * beans whose prefix covers a changed property: with Spring Cloud's {@code
 * ConfigurationPropertiesRebinder} when the application has one (an {@code EnvironmentChangeEvent}
 * is published whenever Spring Cloud is on the class path), on its own otherwise, through the same
 * post-processor that bound them at start-up. Beans bound through their constructor (records) are
 * immutable and keep their values until a restart.
 *
 * <p>Every {@link ConfigChangeEvent} is then published as an application event, so that
 * {@code @EventListener void on(ConfigChangeEvent.RestartRequired event)} hears of paths marked
 * {@code x-reload: restart}, which keep their start-up values. Events arrive on one thread of the
 * manager, one at a time; a bean being rebound is changed one property after another, as Spring
 * Cloud does.
 */
final class GitconfRefresher implements SmartInitializingSingleton {
  private static final Logger LOG = LoggerFactory.getLogger(GitconfRefresher.class);
  private static final String CLOUD_EVENT =
      "org.springframework.cloud.context.environment.EnvironmentChangeEvent";
  private static final String CLOUD_REBINDER =
      "org.springframework.cloud.context.properties.ConfigurationPropertiesRebinder";

  private final ConfigManager manager;
  private final ConfigurableApplicationContext context;

  /** Events of the version being activated, until its {@code VersionActivated}. */
  private final List<ConfigChangeEvent> pending = new ArrayList<>();

  GitconfRefresher(ConfigManager manager, ConfigurableApplicationContext context) {
    this.manager = manager;
    this.context = context;
  }

  /** This manager's property sources: none when the application made the manager itself. */
  private List<GitconfPropertySource> sources() {
    return GitconfPropertySource.in(context.getEnvironment()).stream()
        .filter(source -> source.getSource() == manager)
        .toList();
  }

  @Override
  public void afterSingletonsInstantiated() {
    manager.subscribe("", this::on);
    // A version activated between loading the environment and subscribing.
    apply(List.of());
  }

  private void on(ConfigChangeEvent event) {
    try {
      if (event instanceof ConfigChangeEvent.ValueChanged
          || event instanceof ConfigChangeEvent.RestartRequired) {
        pending.add(event);
        return;
      }
      List<ConfigChangeEvent> events = new ArrayList<>(pending);
      pending.clear();
      events.add(event);
      apply(events);
    } catch (RuntimeException e) {
      // A listener's failure must not stop the next version from being applied.
      LOG.warn("gitconf: applying {} to the application failed: {}", event, e.toString());
    }
  }

  private void apply(List<ConfigChangeEvent> events) {
    Set<String> changed = new HashSet<>();
    sources().forEach(source -> changed.addAll(source.refresh()));
    if (!changed.isEmpty()) {
      ClassLoader loader = context.getClassLoader();
      if (ClassUtils.isPresent(CLOUD_EVENT, loader)) {
        CloudEvents.publish(context, changed);
      }
      if (!ClassUtils.isPresent(CLOUD_REBINDER, loader)
          || context.getBeanNamesForType(ClassUtils.resolveClassName(CLOUD_REBINDER, loader)).length
              == 0) {
        rebind(changed);
      }
    }
    events.forEach(context::publishEvent);
  }

  /** Rebinds the mutable {@code @ConfigurationProperties} beans whose prefix covers a change. */
  private void rebind(Set<String> changed) {
    ConfigurationPropertiesBindingPostProcessor binder =
        context.getBean(ConfigurationPropertiesBindingPostProcessor.class);
    for (Map.Entry<String, ConfigurationPropertiesBean> entry :
        ConfigurationPropertiesBean.getAll(context).entrySet()) {
      ConfigurationPropertiesBean bean = entry.getValue();
      if (bean.asBindTarget().getBindMethod() == BindMethod.VALUE_OBJECT
          || !covers(prefix(bean.getAnnotation()), changed)) {
        continue;
      }
      binder.postProcessBeforeInitialization(bean.getInstance(), entry.getKey());
      LOG.debug("gitconf: rebound {}", entry.getKey());
    }
  }

  private static String prefix(ConfigurationProperties annotation) {
    return StringUtils.hasText(annotation.prefix()) ? annotation.prefix() : annotation.value();
  }

  private static boolean covers(String prefix, Set<String> changed) {
    if (prefix.isEmpty()) {
      return true;
    }
    ConfigurationPropertyName root = ConfigurationPropertyName.of(prefix);
    for (String name : changed) {
      try {
        ConfigurationPropertyName property = ConfigurationPropertyName.adapt(name, '.');
        if (root.equals(property) || root.isAncestorOf(property)) {
          return true;
        }
      } catch (RuntimeException e) {
        return true; // a name Spring cannot read: rebinding too much beats missing a change
      }
    }
    return false;
  }

  /** Spring Cloud's event, in a class of its own: loaded only when Spring Cloud is present. */
  private static final class CloudEvents {
    static void publish(ConfigurableApplicationContext context, Set<String> keys) {
      context.publishEvent(
          new org.springframework.cloud.context.environment.EnvironmentChangeEvent(context, keys));
    }
  }
}
