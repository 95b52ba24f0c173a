package io.gitconf.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes small config repositories into a folder for tests. */
final class TestRepo {
  /** A schema for a tiny {@code app} category: a map {@code limits} and a list {@code hosts}. */
  static final String APP_SCHEMA =
      """
      {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "additionalProperties": false,
        "required": ["limits"],
        "properties": {
          "limits": {
            "type": "object",
            "additionalProperties": false,
            "required": ["max"],
            "properties": {
              "max": {"type": "integer", "minimum": 0, "maximum": 1000},
              "min": {"type": "integer", "minimum": 0}
            }
          },
          "hosts": {"type": "array", "items": {"type": "string"}},
          "password": {"type": "string", "x-secret": true}
        }
      }
      """;

  private final Path root;

  private TestRepo(Path root) {
    this.root = root;
  }

  /**
   * A repository with environments dev, prod and staging (inherits prod) and one category {@code
   * app}.
   */
  static TestRepo app(Path root) {
    return new TestRepo(root)
        .file(
            "gitconf.yaml",
            """
            version: 1
            environments:
              dev: {}
              prod: {}
              staging:
                inherits: prod
            categories:
              app: {schema: schemas/app.schema.json}
            """)
        .file("schemas/app.schema.json", APP_SCHEMA);
  }

  TestRepo file(String path, String content) {
    return bytes(path, content.getBytes(StandardCharsets.UTF_8));
  }

  TestRepo bytes(String path, byte[] content) {
    try {
      Path file = root.resolve(path);
      Files.createDirectories(file.getParent());
      Files.write(file, content);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  ConfigRepository load() {
    return ConfigRepository.load(RepoTree.directory(root));
  }
}
