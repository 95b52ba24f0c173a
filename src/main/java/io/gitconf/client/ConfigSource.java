package io.gitconf.client;

import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.SchemaSet;
import java.util.OptionalLong;

/** Where a {@link ConfigManager} reads configuration from, and how it learns that it changed. */
interface ConfigSource extends AutoCloseable {

  /** One load: the environment's resolved snapshot, validated, with what identifies it. */
  record Loaded(ConfigSnapshot snapshot, OptionalLong version, String commit, SchemaSet schemas) {}

  /**
   * Loads the environment's current configuration. Throws {@link
   * io.gitconf.core.GitconfException.Unavailable} when the source cannot be reached and {@link
   * io.gitconf.core.GitconfException.ValidationFailed} when what it holds is not valid.
   */
  Loaded load(String environment);

  /**
   * Starts calling {@code changed} (from any thread) whenever the configuration may have changed.
   */
  void watch(Runnable changed);

  String describe();

  @Override
  void close();
}
