package io.gitconf.cli;

import io.gitconf.core.ConfigRepository;
import io.gitconf.core.GitTrees;
import io.gitconf.core.GitconfException;
import io.gitconf.core.RepoTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Which state of which config repository a command reads: the working tree, the staged index or a
 * commit.
 */
final class RepoOptions {
  @Mixin RepoDirectory directory;

  @ArgGroup(exclusive = true)
  Revision revision;

  static final class Revision {
    @Option(
        names = "--staged",
        description = "Read the staged Git index instead of the working tree.")
    boolean staged;

    @Option(
        names = "--commit",
        paramLabel = "REV",
        description = "Read a commit (branch, tag or id) instead of the working tree.")
    String commit;
  }

  /**
   * Loads the repository in the state asked for; the Git repository stays open only while loading.
   */
  ConfigRepository load() {
    Path repo = directory.path();
    if (!Files.isDirectory(repo)) {
      throw new GitconfException.BadRequest(repo + ": no such directory");
    }
    if (revision == null) {
      return ConfigRepository.load(RepoTree.directory(repo));
    }
    try (Repository git = openGit()) {
      RepoTree tree = revision.staged ? GitTrees.index(git) : GitTrees.commit(git, revision.commit);
      return ConfigRepository.load(tree.under(folderInWorkTree(git, repo)));
    }
  }

  /**
   * Where {@code --repo} lies inside the Git work tree ({@code config} in a larger repository), as
   * a {@code /}-separated path; empty at the top. Git trees hold paths from the top.
   */
  static String folderInWorkTree(Repository git, Path repo) {
    if (git.isBare()) {
      return "";
    }
    Path top = git.getWorkTree().toPath().toAbsolutePath().normalize();
    Path here = repo.toAbsolutePath().normalize();
    try {
      top = top.toRealPath();
      here = here.toRealPath();
    } catch (IOException e) {
      // Unresolvable (a folder not yet created): compare the normalised paths instead.
    }
    return here.startsWith(top)
        ? top.relativize(here).toString().replace(java.io.File.separatorChar, '/')
        : "";
  }

  Repository openGit() {
    return openGit(directory.path());
  }

  /** Opens the Git repository that contains {@code repo}; a usage error when there is none. */
  static Repository openGit(Path repo) {
    return openGit(repo, System.getenv());
  }

  /**
   * As {@link #openGit(Path)}, honouring {@code GIT_INDEX_FILE} from {@code environment} as git
   * does. A pre-commit hook depends on it: {@code git commit -a} and {@code git commit <path>}
   * stage into a temporary index named there, so the repository's own index is not what will be
   * committed.
   */
  static Repository openGit(Path repo, Map<String, String> environment) {
    try {
      FileRepositoryBuilder builder =
          new FileRepositoryBuilder().findGitDir(repo.toAbsolutePath().normalize().toFile());
      if (builder.getGitDir() == null) {
        throw new GitconfException.BadRequest(repo + ": not inside a Git repository");
      }
      String index = environment.get("GIT_INDEX_FILE");
      if (index != null && !index.isEmpty()) {
        // Relative to the working directory, as for git; hooks run at the top of the work tree.
        builder.setIndexFile(Path.of(index).toAbsolutePath().toFile());
      }
      return builder.setMustExist(true).build();
    } catch (IOException e) {
      throw new GitconfException.Unavailable(
          repo + ": cannot open the Git repository: " + e.getMessage(), e);
    }
  }
}
