package io.gitconf.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * A real Git config repository in a folder, for tests: writes files and commits them with explicit
 * authors. The repository has environments {@code dev} and {@code prod} and one category {@code
 * app} whose schema (in the repository) marks {@code app.password} as a secret.
 */
public final class TestGitRepo implements AutoCloseable {
  public static final String APP_SCHEMA =
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
          "password": {"type": "string", "x-secret": true},
          "extra": {"type": "object"}
        }
      }
      """;

  public static final PersonIdent ALICE = new PersonIdent("Alice Trader", "alice@example.com");
  public static final PersonIdent BOB = new PersonIdent("Bob Risk", "bob@example.com");

  private final Path root;
  private final Git git;
  private Instant clock = Instant.parse("2026-01-05T09:00:00Z");

  private TestGitRepo(Path root, Git git) {
    this.root = root;
    this.git = git;
  }

  /** A new repository on branch {@code main} with the manifest and schema, not yet committed. */
  public static TestGitRepo create(Path root) {
    try {
      Git git = Git.init().setDirectory(root.toFile()).setInitialBranch("main").call();
      return new TestGitRepo(root, git)
          .file(
              "gitconf.yaml",
              """
              version: 1
              environments:
                dev: {}
                prod: {}
              categories:
                app: {schema: schemas/app.schema.json}
              """)
          .file("schemas/app.schema.json", APP_SCHEMA);
    } catch (GitAPIException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@link #create} plus a valid first commit by Alice. */
  public static TestGitRepo withFirstCommit(Path root) {
    TestGitRepo repo = create(root);
    repo.file("base/app.yaml", "limits:\n  max: 100\n  min: 1\nhosts: [a, b]\n")
        .file("environments/prod/app.yaml", "limits:\n  max: 500\n")
        .commit(ALICE, "Initial configuration");
    return repo;
  }

  public Path root() {
    return root;
  }

  public Git git() {
    return git;
  }

  public TestGitRepo file(String path, String content) {
    try {
      Path file = root.resolve(path);
      Files.createDirectories(file.getParent());
      Files.writeString(file, content, StandardCharsets.UTF_8);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public TestGitRepo delete(String path) {
    try {
      Files.delete(root.resolve(path));
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Commits every change in the working tree; each commit is a minute after the previous one. */
  public RevCommit commit(PersonIdent author, String message) {
    clock = clock.plusSeconds(60);
    PersonIdent at = new PersonIdent(author, clock, ZoneOffset.UTC);
    try {
      git.add().addFilepattern(".").call();
      git.add().addFilepattern(".").setUpdate(true).call();
      return git.commit().setAuthor(at).setCommitter(at).setMessage(message).setSign(false).call();
    } catch (GitAPIException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Moves {@code main} (and the working tree) back to {@code commit}, as before a force push. */
  public void resetHard(RevCommit commit) {
    try {
      git.reset().setMode(ResetCommand.ResetType.HARD).setRef(commit.name()).call();
    } catch (GitAPIException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    git.close();
  }
}
