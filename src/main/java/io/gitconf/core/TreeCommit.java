package io.gitconf.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.Status;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * A commit made from objects: the tree of the last commit with the changed files' new contents,
 * exactly as they were validated. Neither the index nor the work tree is read, so nothing another
 * process or a person is editing can slip into the commit, and a commit holds only the change it
 * announces. The branch moves only if it still points where the change started (compare and set).
 * Then the work tree and the index are brought to the commit for the changed files alone.
 *
 * <p>Git's {@code pre-commit} and {@code commit-msg} hooks do not run: nothing is staged for them
 * to look at, and the check gitconf's own hook makes ({@code gitconf validate --staged}) is the
 * validation of this very tree that the change has just passed. Running it again would only double
 * the time of a change, and a hook's output would corrupt a command's JSON on standard output.
 *
 * <p>Stateless; callers hold the clone's {@link CloneLock}.
 */
final class TreeCommit {
  private TreeCommit() {}

  /**
   * Refuses a change whose files have uncommitted changes (in the index or the work tree, or an
   * untracked file where it would write): the change is made from the committed content, and would
   * otherwise silently overwrite those edits.
   *
   * @param files Git paths by the config repository's names for them
   * @throws GitconfException.Conflict naming the files
   */
  static void requireUnmodified(Git git, Map<String, String> files, Path configDir) {
    try {
      var command = git.status();
      files.keySet().forEach(command::addPath);
      Status status = command.call();
      Set<String> dirty = new TreeSet<>();
      Set<String> touched = new TreeSet<>(status.getUncommittedChanges());
      touched.addAll(status.getUntracked());
      touched.addAll(status.getConflicting());
      files.forEach(
          (gitPath, file) -> {
            if (touched.contains(gitPath)) {
              dirty.add(file);
            }
          });
      if (!dirty.isEmpty()) {
        throw new GitconfException.Conflict(
            "uncommitted changes in "
                + String.join(", ", dirty)
                + " (in "
                + configDir
                + "): commit or stash them first, so that the commit holds only this change;"
                + " nothing was changed");
      }
    } catch (GitAPIException | RuntimeException e) {
      if (e instanceof GitconfException gitconf) {
        throw gitconf;
      }
      throw new GitconfException.Unavailable(
          "cannot read the status of " + configDir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Commits {@code edits} (Git path to content; empty deletes the file) on top of {@code head} and
   * moves the current branch to it, if it still points at {@code head}.
   *
   * @throws GitconfException.Conflict when the branch moved meanwhile (nothing is changed then)
   */
  static RevCommit commit(
      Repository repository,
      RevCommit head,
      Map<String, Optional<byte[]>> edits,
      PersonIdent author,
      String message) {
    PersonIdent now = new PersonIdent(author, Instant.now());
    try (ObjectInserter inserter = repository.newObjectInserter();
        RevWalk walk = new RevWalk(repository)) {
      DirCache tree = DirCache.newInCore();
      DirCacheBuilder builder = tree.builder();
      try (TreeWalk files = new TreeWalk(repository)) {
        files.addTree(head.getTree());
        files.setRecursive(true);
        while (files.next()) {
          if (!edits.containsKey(files.getPathString())) {
            DirCacheEntry entry = new DirCacheEntry(files.getPathString());
            entry.setFileMode(files.getFileMode(0));
            entry.setObjectId(files.getObjectId(0));
            builder.add(entry);
          }
        }
      }
      for (Map.Entry<String, Optional<byte[]>> edit : edits.entrySet()) {
        if (edit.getValue().isPresent()) {
          DirCacheEntry entry = new DirCacheEntry(edit.getKey());
          entry.setFileMode(FileMode.REGULAR_FILE);
          entry.setObjectId(inserter.insert(Constants.OBJ_BLOB, edit.getValue().get()));
          builder.add(entry);
        }
      }
      builder.finish();
      CommitBuilder commit = new CommitBuilder();
      commit.setTreeId(tree.writeTree(inserter));
      commit.setParentId(head);
      commit.setAuthor(now);
      commit.setCommitter(now);
      commit.setMessage(message);
      ObjectId id = inserter.insert(commit);
      inserter.flush();
      RefUpdate update = repository.updateRef(Constants.HEAD);
      update.setExpectedOldObjectId(head);
      update.setNewObjectId(id);
      update.setRefLogIdent(now);
      update.setRefLogMessage("commit: " + message.lines().findFirst().orElse(""), false);
      RefUpdate.Result result = update.update(walk);
      if (result != RefUpdate.Result.FAST_FORWARD && result != RefUpdate.Result.NEW) {
        throw new GitconfException.Conflict(
            repository.getDirectory()
                + ": HEAD moved while the change was made ("
                + result
                + "); nothing was changed, make the change again");
      }
      return walk.parseCommit(id);
    } catch (IOException e) {
      throw new GitconfException.Unavailable(
          "cannot commit in " + repository.getDirectory() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Brings the work tree and the index to {@code commit} for the changed files, which were
   * unmodified before the change, so that the clone reads as clean.
   */
  static void checkOut(
      Repository repository, RevCommit commit, Map<String, Optional<byte[]>> edits) {
    Path top = repository.getWorkTree().toPath();
    String current = "";
    try {
      DirCache index = repository.lockDirCache();
      try {
        DirCacheEditor editor = index.editor();
        for (Map.Entry<String, Optional<byte[]>> edit : edits.entrySet()) {
          current = edit.getKey();
          Path file = top.resolve(edit.getKey());
          if (edit.getValue().isEmpty()) {
            Files.deleteIfExists(file);
            editor.add(new DirCacheEditor.DeletePath(edit.getKey()));
            continue;
          }
          byte[] content = edit.getValue().get();
          Files.createDirectories(file.getParent());
          Files.write(file, content);
          ObjectId blob = blobOf(repository, commit, edit.getKey());
          Instant modified = Files.getLastModifiedTime(file).toInstant();
          editor.add(
              new DirCacheEditor.PathEdit(edit.getKey()) {
                @Override
                public void apply(DirCacheEntry entry) {
                  entry.setFileMode(FileMode.REGULAR_FILE);
                  entry.setObjectId(blob);
                  entry.setLength(content.length);
                  entry.setLastModified(modified);
                }
              });
        }
        current = "";
        editor.commit();
      } finally {
        index.unlock();
      }
    } catch (IOException e) {
      throw new GitconfException.Unavailable(
          "committed "
              + commit.abbreviate(8).name()
              + ", but could not update "
              + (current.isEmpty() ? "the index" : current)
              + " in the work tree: "
              + e.getMessage()
              + "; run git checkout HEAD -- . there to bring it to the commit",
          e);
    }
  }

  private static ObjectId blobOf(Repository repository, RevCommit commit, String path)
      throws IOException {
    try (TreeWalk walk = TreeWalk.forPath(repository, path, commit.getTree())) {
      return walk.getObjectId(0);
    }
  }
}
