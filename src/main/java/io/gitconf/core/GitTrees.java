package io.gitconf.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.errors.AmbiguousObjectException;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.LargeObjectException;
import org.eclipse.jgit.errors.NoWorkTreeException;
import org.eclipse.jgit.errors.RevisionSyntaxException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Config repository trees read from Git objects: a commit's tree or the staged index. Nothing is
 * checked out, so a syncer or a pre-commit hook sees exactly what is (or will be) committed.
 */
public final class GitTrees {
  private GitTrees() {}

  /**
   * The tree of a commit, given as any revision JGit understands ({@code HEAD}, a branch, an id).
   */
  public static RepoTree commit(Repository repository, String revision) {
    try {
      ObjectId id = repository.resolve(revision + "^{commit}");
      if (id == null) {
        throw new GitconfException.BadRequest(
            "no commit '" + revision + "' in " + repository.getDirectory());
      }
      try (RevWalk walk = new RevWalk(repository)) {
        return commit(repository, walk.parseCommit(id));
      }
    } catch (RevisionSyntaxException | AmbiguousObjectException | IncorrectObjectTypeException e) {
      // What was asked for is not one commit: the caller's mistake, not an unreadable repository.
      throw new GitconfException.BadRequest(
          "'"
              + revision
              + "' does not name one commit in "
              + repository.getDirectory()
              + ": "
              + e.getMessage());
    } catch (IOException e) {
      throw new GitconfException.Unavailable(
          "cannot read commit '" + revision + "': " + e.getMessage(), e);
    }
  }

  /** The tree of a parsed commit. */
  public static RepoTree commit(Repository repository, RevCommit commit) {
    List<Entry> entries = new ArrayList<>();
    try (TreeWalk walk = new TreeWalk(repository)) {
      walk.addTree(commit.getTree());
      walk.setRecursive(true);
      while (walk.next()) {
        entries.add(new Entry(walk.getPathString(), walk.getObjectId(0), walk.getFileMode(0)));
      }
    } catch (IOException e) {
      throw new GitconfException.Unavailable(
          "cannot read tree of " + commit.name() + ": " + e.getMessage(), e);
    }
    return new ObjectTree(repository, "commit " + commit.abbreviate(10).name(), entries);
  }

  /** The staged index: what {@code git commit} would record now. */
  public static RepoTree index(Repository repository) {
    List<Entry> entries = new ArrayList<>();
    try {
      DirCache cache = repository.readDirCache();
      for (int i = 0; i < cache.getEntryCount(); i++) {
        DirCacheEntry entry = cache.getEntry(i);
        if (entry.getStage() == DirCacheEntry.STAGE_0) {
          entries.add(new Entry(entry.getPathString(), entry.getObjectId(), entry.getFileMode()));
        }
      }
    } catch (IOException e) {
      throw new GitconfException.Unavailable("cannot read the Git index: " + e.getMessage(), e);
    } catch (NoWorkTreeException e) {
      throw new GitconfException.BadRequest(
          repository.getDirectory() + ": a bare repository has no staged index");
    }
    return new ObjectTree(repository, "staged index", entries);
  }

  private record Entry(String path, ObjectId id, FileMode mode) {}

  private static final class ObjectTree implements RepoTree {
    private final Repository repository;
    private final String description;
    private final List<Entry> entries;

    ObjectTree(Repository repository, String description, List<Entry> entries) {
      this.repository = repository;
      this.description = description;
      this.entries = List.copyOf(entries);
    }

    @Override
    public String describe() {
      return description;
    }

    @Override
    public List<String> files() {
      List<String> files = new ArrayList<>(entries.size());
      for (Entry entry : entries) {
        files.add(entry.path());
      }
      Collections.sort(files);
      return files;
    }

    @Override
    public Optional<byte[]> read(String path, int maxBytes) {
      for (Entry entry : entries) {
        if (entry.path().equals(path)) {
          return Optional.of(load(entry, maxBytes));
        }
      }
      return Optional.empty();
    }

    private byte[] load(Entry entry, int maxBytes) {
      if (entry.mode() == FileMode.SYMLINK) {
        throw DirectoryTree.symbolicLink(entry.path());
      }
      try {
        ObjectLoader loader = repository.open(entry.id(), Constants.OBJ_BLOB);
        if (loader.getSize() > maxBytes) {
          byte[] head;
          try (InputStream in = loader.openStream()) {
            head = in.readNBytes(maxBytes);
          }
          throw TreeFailures.tooLarge(entry.path(), loader.getSize(), maxBytes, head);
        }
        return loader.getBytes();
      } catch (IOException | LargeObjectException e) {
        throw TreeFailures.unreadable(description, entry.path(), e);
      }
    }
  }
}
