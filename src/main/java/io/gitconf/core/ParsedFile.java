package io.gitconf.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;

/**
 * One configuration file read strictly: its values, the line of every key, and the keys tagged
 * {@code !delete}.
 *
 * @param file path of the file in the repository
 * @param content the file's mapping, without the keys tagged {@code !delete}
 * @param lines for every key path inside the file (relative, e.g. {@code limits.dailyLossUsd}), its
 *     line
 * @param deletes relative key paths tagged {@code !delete}, with their lines
 */
record ParsedFile(
    String file, ObjectNode content, Map<String, Integer> lines, Map<String, Integer> deletes) {

  Set<String> deletedPaths() {
    return deletes.keySet();
  }
}
