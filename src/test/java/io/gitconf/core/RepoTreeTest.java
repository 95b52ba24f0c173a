package io.gitconf.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading a tree fails inside gitconf's exception root: a file that cannot be read is {@link
 * GitconfException.Unavailable} naming it, a file too large is a problem at the line that passes
 * the limit, a revision that names no commit is a bad request.
 */
class RepoTreeTest {
  @TempDir Path dir;

  private static List<String> lines(List<Problem> problems) {
    return problems.stream().map(Problem::toString).toList();
  }

  @Test
  void aFolderOrAPipeWhereAFileShouldBeIsAProblemNotAReadThatFailsOrHangs() throws Exception {
    TestRepo.app(dir).file("environments/prod/app.yaml", "limits:\n  max: 5\n");
    Files.createDirectories(dir.resolve("base/app.yaml"));
    Files.createDirectories(dir.resolve("environments/dev"));
    Process mkfifo =
        new ProcessBuilder("mkfifo", dir.resolve("environments/dev/app.yaml").toString()).start();
    assertThat(mkfifo.waitFor()).isZero();

    assertThat(lines(ConfigRepository.load(RepoTree.directory(dir)).problems()))
        .containsExactly(
            "base/app.yaml: missing: every category in gitconf.yaml needs a base file (layout)",
            "base/app.yaml: not a plain file; a config repository holds plain files only"
                + " (file-type)",
            "environments/dev/app.yaml: not a plain file; a config repository holds plain files"
                + " only (file-type)");
  }

  @Test
  void aFileRemovedWhileTheTreeIsReadIsUnavailableNotAbsent() {
    TestRepo.app(dir)
        .file("base/app.yaml", "limits:\n  max: 10\n")
        .file("environments/prod/app.yaml", "limits:\n  max: 5\n");
    RepoTree directory = RepoTree.directory(dir);
    // Listed, then gone when read: what a rename by an editor or a checkout does to a reader.
    RepoTree vanishing =
        new RepoTree() {
          @Override
          public String describe() {
            return directory.describe();
          }

          @Override
          public List<String> files() {
            return directory.files();
          }

          @Override
          public Optional<byte[]> read(String path, int maxBytes) {
            try {
              Files.deleteIfExists(dir.resolve("environments/prod/app.yaml"));
            } catch (IOException e) {
              throw new AssertionError(e);
            }
            return directory.read(path, maxBytes);
          }
        };

    assertThatThrownBy(() -> ConfigRepository.load(vanishing))
        .isInstanceOf(GitconfException.Unavailable.class)
        .hasMessage(
            "environments/prod/app.yaml: cannot read (directory "
                + dir
                + "): it was removed or renamed while the repository was being read");
  }

  @Test
  void listingATreeWhileFoldersComeAndGoGivesFilesOrUnavailable() throws Exception {
    TestRepo.app(dir).file("base/app.yaml", "limits:\n  max: 10\n");
    AtomicBoolean done = new AtomicBoolean();
    Thread churn =
        new Thread(
            () -> {
              for (int i = 0; !done.get(); i++) {
                Path folder = dir.resolve("docs/d" + (i % 5));
                try {
                  Files.createDirectories(folder.resolve("x/y"));
                  Files.writeString(folder.resolve("x/y/note.md"), "n");
                  try (var walk = Files.walk(folder)) {
                    for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                      Files.deleteIfExists(p);
                    }
                  }
                } catch (IOException | java.io.UncheckedIOException e) {
                  // the other side of the race; the listing is what is under test
                }
              }
            });
    churn.start();
    List<Throwable> failures = new ArrayList<>();
    try {
      for (int i = 0; i < 300; i++) {
        try {
          assertThat(RepoTree.directory(dir).files()).contains("base/app.yaml");
        } catch (GitconfException.Unavailable expected) {
          assertThat(expected).hasMessageStartingWith(dir + ": cannot list files: ");
        } catch (RuntimeException e) {
          failures.add(e);
        }
      }
    } finally {
      done.set(true);
      churn.join();
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void aFileLargerThanTheLimitIsAProblemAtTheLineThatPassesIt() {
    TestRepo.app(dir)
        .file("base/app.yaml", "limits:\n  max: 10\n")
        .file("environments/prod/app.yaml", "limits:\n  max: 5\n" + "# padding\n".repeat(40));
    ConfigRepository loaded =
        ConfigRepository.load(RepoTree.directory(dir), new YamlLimits(200, 32, 50, 1000));

    assertThat(lines(loaded.problems()))
        .containsExactly(
            "environments/prod/app.yaml:21: file is 417 bytes, larger than the limit of 200; it"
                + " passes the limit on this line (file-size)");
  }

  @Test
  void aCommitsFilesReadTheSameWaysAndAMissingObjectIsUnavailableNamingTheFile() throws Exception {
    TestRepo.app(dir)
        .file("base/app.yaml", "limits:\n  max: 10\n")
        .file("environments/prod/app.yaml", "limits:\n  max: 5\n" + "# padding\n".repeat(40));
    try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      RevCommit commit =
          git.commit()
              .setAuthor("Ada Trader", "ada@desk.example")
              .setCommitter("Ada Trader", "ada@desk.example")
              .setMessage("config")
              .setNoVerify(true)
              .call();
      Repository repository = git.getRepository();
      RepoTree tree = GitTrees.commit(repository, "HEAD");
      assertThat(lines(ConfigRepository.load(tree, new YamlLimits(200, 32, 50, 1000)).problems()))
          .containsExactly(
              "environments/prod/app.yaml:21: file is 417 bytes, larger than the limit of 200; it"
                  + " passes the limit on this line (file-size)");

      ObjectId blob = blobOf(repository, commit, "base/app.yaml");
      String name = blob.name();
      Files.delete(
          repository
              .getDirectory()
              .toPath()
              .resolve("objects/" + name.substring(0, 2) + "/" + name.substring(2)));
      assertThatThrownBy(() -> ConfigRepository.load(GitTrees.commit(repository, "HEAD")))
          .isInstanceOf(GitconfException.Unavailable.class)
          .hasMessageStartingWith(
              "base/app.yaml: cannot read (commit " + commit.abbreviate(10).name() + "): ");
    }
  }

  @Test
  void aRevisionThatNamesNoSingleCommitIsABadRequest() throws Exception {
    TestRepo.app(dir).file("base/app.yaml", "limits:\n  max: 10\n");
    try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      git.commit()
          .setAuthor("Ada Trader", "ada@desk.example")
          .setCommitter("Ada Trader", "ada@desk.example")
          .setMessage("config")
          .setNoVerify(true)
          .call();
      Repository repository = git.getRepository();
      for (String revision : List.of("HEAD^{", "HEAD:", "HEAD~x", "main..main", "nosuch")) {
        assertThatThrownBy(() -> GitTrees.commit(repository, revision))
            .as(revision)
            .isInstanceOf(GitconfException.BadRequest.class);
      }
    }
  }

  @Test
  void aBareRepositoryHasNoStagedIndexToRead() throws Exception {
    try (Git git = Git.init().setBare(true).setDirectory(dir.resolve("bare.git").toFile()).call()) {
      assertThatThrownBy(() -> GitTrees.index(git.getRepository()))
          .isInstanceOf(GitconfException.BadRequest.class)
          .hasMessageEndingWith(": a bare repository has no staged index");
    }
  }

  @Test
  void aSchemaFileThatIsASymbolicLinkIsAProblemNotAFailureToLoad() throws IOException {
    TestRepo.app(dir).file("base/app.yaml", "limits:\n  max: 10\n");
    Path schema = dir.resolve("schemas/app.schema.json");
    Files.move(schema, dir.resolve("app.schema.json"));
    Files.createSymbolicLink(schema, Path.of("../app.schema.json"));

    ConfigRepository repo = ConfigRepository.load(RepoTree.directory(dir));

    assertThat(lines(repo.validate()))
        .contains(
            "schemas/app.schema.json: symbolic link; a config repository holds plain files only"
                + " (symlink)");
  }

  private static ObjectId blobOf(Repository repository, RevCommit commit, String path)
      throws IOException {
    try (TreeWalk walk = TreeWalk.forPath(repository, path, commit.getTree())) {
      return walk.getObjectId(0);
    }
  }
}
