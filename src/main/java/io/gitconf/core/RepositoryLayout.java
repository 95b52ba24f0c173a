package io.gitconf.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which files of a config repository are configuration, and which problems their places have.
 * Configuration lives in {@code base/} and {@code environments/<env>/}: there every file must be a
 * {@code <category>.yaml} of a declared category and environment, so a misspelt name is an error
 * rather than silently ignored. {@code schemas/} holds whatever schema files the manifest names.
 * Everything else belongs to the repository, not to gitconf: a README, CI files, a file exported
 * for a look. Only what looks like configuration put in the wrong place (a folder named almost like
 * a layout folder, a file named like a category) gets a warning, since gitconf does not read it.
 *
 * <p>Stateless and thread-safe.
 */
final class RepositoryLayout {
  private static final List<String> FOLDERS = List.of("base", "environments", "schemas");

  private RepositoryLayout() {}

  /** The layout problems of a tree's files, and a base file missing for a declared category. */
  static List<Problem> check(Manifest manifest, List<String> files) {
    List<Problem> problems = new ArrayList<>();
    for (String file : files) {
      problem(manifest, file).ifPresent(problems::add);
    }
    Set<String> present = Set.copyOf(files);
    for (String category : manifest.categories().keySet()) {
      String base = ConfigRepository.BASE_DIR + category + ".yaml";
      if (!present.contains(base)) {
        problems.add(
            Problem.error(
                Origin.file(base),
                "",
                "missing: every category in gitconf.yaml needs a base file",
                "layout"));
      }
    }
    return problems;
  }

  /** What is wrong with a file's place, if anything. */
  static Optional<Problem> problem(Manifest manifest, String file) {
    String[] parts = file.split("/");
    String top = parts[0];
    if (parts.length > 1 && top.equals("base")) {
      return error(
          file,
          parts.length == 2
              ? categoryFileProblem(manifest, parts[1])
              : "base/ holds category files only, no folders");
    }
    if (parts.length > 1 && top.equals("environments")) {
      if (!manifest.hasEnvironment(parts[1])) {
        return error(
            file,
            "unknown environment folder '"
                + parts[1]
                + "' (gitconf.yaml declares: "
                + String.join(", ", manifest.environmentNames())
                + ")");
      }
      return error(
          file,
          parts.length == 3
              ? categoryFileProblem(manifest, parts[2])
              : "environments/" + parts[1] + "/ holds category files only, no folders");
    }
    if (parts.length > 1 && top.equals("schemas")) {
      return Optional.empty();
    }
    return misplaced(manifest, parts);
  }

  /** A warning for a file outside the layout that looks like configuration, which is not read. */
  private static Optional<Problem> misplaced(Manifest manifest, String[] parts) {
    String file = String.join("/", parts);
    if (parts[0].startsWith(".")) {
      return Optional.empty(); // tools' own files: .github/, .gitignore, .pre-commit-config.yaml
    }
    if (parts.length > 1) {
      for (String folder : FOLDERS) {
        if (nearlyNamed(parts[0], folder)) {
          return warning(
              file,
              "not read: configuration lives in base/, environments/<env>/ and schemas/ (is '"
                  + parts[0]
                  + "/' meant to be "
                  + folder
                  + "/?)");
        }
      }
    }
    String name = parts[parts.length - 1];
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    String extension = dot > 0 ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
    boolean yaml = extension.equals("yaml") || extension.equals("yml");
    if (yaml && manifest.categories().containsKey(stem)) {
      return warning(
          file,
          "not read: a category file belongs in base/ or environments/<env>/, as "
              + stem
              + ".yaml");
    }
    if (yaml
        && parts.length == 1
        && stem.equalsIgnoreCase("gitconf")
        && !name.equals(Manifest.FILE)) {
      return warning(file, "not read: the manifest is " + Manifest.FILE);
    }
    return Optional.empty();
  }

  private static String categoryFileProblem(Manifest manifest, String name) {
    if (name.endsWith(".yml")) {
      return "use the .yaml extension";
    }
    if (!name.endsWith(".yaml")) {
      return "only <category>.yaml files belong here";
    }
    String category = name.substring(0, name.length() - ".yaml".length());
    return manifest.categories().containsKey(category)
        ? null
        : "unknown category '"
            + category
            + "' (gitconf.yaml declares: "
            + String.join(", ", manifest.categories().keySet())
            + ")";
  }

  /**
   * A folder named as a layout folder but for case or a plural, or one letter off a long one:
   * {@code Base}, {@code environment}, {@code enviroments}, {@code schema}. A short name one letter
   * off ({@code bash}) is a different word.
   */
  static boolean nearlyNamed(String name, String folder) {
    if (name.equals(folder)) {
      return false;
    }
    String lower = name.toLowerCase(Locale.ROOT);
    String singular = folder.endsWith("s") ? folder.substring(0, folder.length() - 1) : folder;
    return lower.equals(folder)
        || lower.equals(singular)
        || lower.equals(singular + "s")
        || (folder.length() > 6 && oneEditApart(lower, folder));
  }

  /** True when one insertion, deletion or substitution turns {@code a} into {@code b}. */
  private static boolean oneEditApart(String a, String b) {
    if (Math.abs(a.length() - b.length()) > 1) {
      return false;
    }
    int i = 0;
    int j = 0;
    boolean edited = false;
    while (i < a.length() && j < b.length()) {
      if (a.charAt(i) == b.charAt(j)) {
        i++;
        j++;
        continue;
      }
      if (edited) {
        return false;
      }
      edited = true;
      if (a.length() > b.length()) {
        i++;
      } else if (a.length() < b.length()) {
        j++;
      } else {
        i++;
        j++;
      }
    }
    return true;
  }

  private static Optional<Problem> error(String file, String problem) {
    return problem == null
        ? Optional.empty()
        : Optional.of(Problem.error(Origin.file(file), "", problem, "layout"));
  }

  private static Optional<Problem> warning(String file, String problem) {
    return Optional.of(Problem.warning(Origin.file(file), "", problem, "layout"));
  }
}
