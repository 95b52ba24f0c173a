package io.gitconf.core;

/**
 * Bounds applied to every configuration file, so a hostile or broken file is refused quickly
 * instead of exhausting memory. Immutable.
 *
 * @param maxFileBytes largest file accepted
 * @param maxDepth deepest nesting of maps and lists
 * @param maxAliases alias references to collections allowed in one file
 * @param maxNodes values in one file after aliases are expanded
 */
public record YamlLimits(int maxFileBytes, int maxDepth, int maxAliases, int maxNodes) {

  public static YamlLimits defaults() {
    return new YamlLimits(1024 * 1024, 32, 50, 200_000);
  }
}
