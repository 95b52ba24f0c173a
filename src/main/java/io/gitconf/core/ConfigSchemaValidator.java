package io.gitconf.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Validates resolved snapshots against the JSON Schema of each category and the cross-field rules,
 * returning every problem with the file and line of the value at fault. Messages never include the
 * offending value of a path the schema marks secret.
 *
 * <p>Thread-safe: compiled schemas are shared and immutable.
 */
public final class ConfigSchemaValidator {
  private static final JsonSchemaFactory FACTORY = factory();

  private final SchemaSet schemas;
  private final Map<String, JsonSchema> compiled;
  private final List<Problem> schemaProblems;

  private ConfigSchemaValidator(SchemaSet schemas) {
    this.schemas = schemas;
    List<Problem> problems = new ArrayList<>(schemas.problems());
    Map<String, JsonSchema> byCategory = new LinkedHashMap<>();
    SchemaValidatorsConfig config =
        SchemaValidatorsConfig.builder()
            .pathType(PathType.JSON_POINTER)
            .formatAssertionsEnabled(true)
            .locale(Locale.ENGLISH)
            .build();
    for (Map.Entry<String, JsonNode> entry : schemas.schemas().entrySet()) {
      try {
        byCategory.put(entry.getKey(), FACTORY.getSchema(entry.getValue(), config));
      } catch (RuntimeException e) {
        problems.add(
            Problem.error(
                Origin.file(Manifest.FILE),
                "categories." + entry.getKey() + ".schema",
                "schema cannot be compiled: " + e.getMessage(),
                "schema"));
      }
    }
    this.compiled = byCategory;
    this.schemaProblems = List.copyOf(problems);
  }

  /** A validator for the categories and schemas a repository's manifest declares. */
  public static ConfigSchemaValidator forRepository(ConfigRepository repository) {
    return repository.validator();
  }

  public static ConfigSchemaValidator of(SchemaSet schemas) {
    return new ConfigSchemaValidator(schemas);
  }

  public SchemaSet schemas() {
    return schemas;
  }

  /** Problems with the schemas themselves (missing, not JSON, not a valid schema). */
  public List<Problem> schemaProblems() {
    return schemaProblems;
  }

  /** Every schema and cross-field problem of a snapshot, in reading order. */
  public List<Problem> validate(ConfigSnapshot snapshot) {
    List<Problem> problems = new ArrayList<>();
    for (Map.Entry<String, JsonSchema> entry : compiled.entrySet()) {
      String category = entry.getKey();
      // A copy: anything (a scalar, from stored values) is checked against the category's schema.
      JsonNode tree = snapshot.get(ConfigPath.of(category)).orElse(Json.MAPPER.createObjectNode());
      List<JsonNodePath> nonFinite = new ArrayList<>();
      tree = forSchema(tree, new JsonNodePath(PathType.JSON_POINTER), nonFinite);
      for (JsonNodePath location : nonFinite) {
        problems.add(problem(snapshot, category, location, "number", "must be a finite number"));
      }
      try {
        for (ValidationMessage message : entry.getValue().validate(tree)) {
          if (!nonFinite.contains(message.getInstanceLocation())) {
            problems.add(toProblem(snapshot, category, message));
          }
        }
      } catch (RuntimeException e) {
        // A repository's own schema can fail while it is applied (a reference it cannot follow):
        // that is a problem of the schema, reported with the others.
        problems.add(
            Problem.error(
                Origin.file(Manifest.FILE),
                "categories." + category + ".schema",
                "schema cannot be applied: " + e.getMessage(),
                "schema"));
      }
    }
    problems.addAll(new CrossFieldRules(snapshot).check());
    problems.sort(Problem.READING_ORDER);
    return problems;
  }

  /**
   * A value as the schema library is shown it, changed in place where it can be. NaN and infinities
   * (which only a snapshot of stored JSON holds; the reader refuses them) become null, noted in
   * {@code nonFinite} to be reported instead: the library throws on NaN and compares infinities
   * wrongly. A double beyond 2^53, always a whole number, becomes that exact integer: the library
   * compares it with an integer bound as a long, which saturates, so that 1e19 would pass for at
   * most 9223372036854775807 and then not fit the long it is bound to.
   */
  private static JsonNode forSchema(JsonNode node, JsonNodePath at, List<JsonNodePath> nonFinite) {
    if (Json.isNonFiniteNumber(node)) {
      nonFinite.add(at);
      return NullNode.getInstance();
    }
    if (node.isFloatingPointNumber()
        && !node.isBigDecimal()
        && Math.abs(node.doubleValue()) >= 0x1p53) {
      return BigIntegerNode.valueOf(new BigDecimal(node.doubleValue()).toBigInteger());
    }
    if (node instanceof ObjectNode object) {
      for (Iterator<Map.Entry<String, JsonNode>> it = object.properties().iterator();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        field.setValue(forSchema(field.getValue(), at.append(field.getKey()), nonFinite));
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        array.set(i, forSchema(array.get(i), at.append(i), nonFinite));
      }
    }
    return node;
  }

  private Problem toProblem(ConfigSnapshot snapshot, String category, ValidationMessage message) {
    String keyword = message.getType();
    String property = message.getProperty();
    boolean propertyPath =
        property != null
            && ("additionalProperties".equals(keyword)
                || "required".equals(keyword)
                || "propertyNames".equals(keyword));
    Place place = place(category, message.getInstanceLocation(), propertyPath ? property : null);
    boolean secret = schemas.isSecret(place.path());
    String text = place.index() + describe(keyword, message, secret);
    if ("required".equals(keyword) && deleted(snapshot, place.path())) {
      text = "required key was removed by !delete";
    }
    return Problem.error(originFor(snapshot, place.path()), place.path().toString(), text, keyword);
  }

  private static Problem problem(
      ConfigSnapshot snapshot, String category, JsonNodePath location, String rule, String text) {
    Place place = place(category, location, null);
    return Problem.error(
        originFor(snapshot, place.path()), place.path().toString(), place.index() + text, rule);
  }

  /**
   * Where a finding points: the configuration path down to the first list, and the place inside
   * that list ({@code item 2: }), since list items have no path or line of their own.
   */
  private record Place(ConfigPath path, String index) {}

  private static Place place(String category, JsonNodePath location, String property) {
    List<String> keys = new ArrayList<>();
    keys.add(category);
    String index = "";
    for (int i = 0; i < location.getNameCount(); i++) {
      Object element = location.getElement(i);
      if (element instanceof Integer position) {
        index = "item " + position + ": ";
        break;
      }
      keys.add(String.valueOf(element));
    }
    // A schema may name a key no file can write (with a dot, or empty): the finding stays at the
    // map then, instead of failing to be reported.
    if (property != null && index.isEmpty() && !property.isEmpty() && property.indexOf('.') < 0) {
      keys.add(property);
    }
    return new Place(new ConfigPath(keys), index);
  }

  private static boolean deleted(ConfigSnapshot snapshot, ConfigPath path) {
    List<ConfigSnapshot.Layer> layers = snapshot.provenance(path);
    return !layers.isEmpty()
        && layers.get(layers.size() - 1).action() == ConfigSnapshot.Layer.Action.DELETE;
  }

  /**
   * The layer responsible for a path: where its value (or its deletion) was written, else the
   * nearest parent; none for a snapshot read from the mirror, which keeps no files and lines.
   */
  static Origin originFor(ConfigSnapshot snapshot, ConfigPath path) {
    for (ConfigPath p = path; ; p = p.parent().get()) {
      List<ConfigSnapshot.Layer> layers = snapshot.provenance(p);
      if (!layers.isEmpty()) {
        return layers.get(layers.size() - 1).origin();
      }
      if (p.parent().isEmpty()) {
        return snapshot.hasProvenance()
            ? Origin.of(ConfigRepository.BASE_DIR + path.category() + ".yaml", 1)
            : null;
      }
    }
  }

  private static String describe(String keyword, ValidationMessage message, boolean secret) {
    JsonNode schema = message.getSchemaNode();
    String bound = schema == null ? "?" : schema.toString();
    return switch (keyword) {
      case "maximum" -> "must be <= " + bound;
      case "minimum" -> "must be >= " + bound;
      case "exclusiveMaximum" -> "must be < " + bound;
      case "exclusiveMinimum" -> "must be > " + bound;
      case "type" ->
          "must be "
              + article(bound.replace("\"", ""))
              + ", not "
              + typeOf(message.getInstanceNode());
      case "required" -> "required key is missing";
      case "additionalProperties" -> "unknown key (not in the schema; a typo?)";
      case "enum" -> "must be one of " + bound.replace("\"", "").replace(",", ", ");
      case "const" -> "must be " + bound;
      case "pattern" -> secret ? "does not have the expected form" : "must match " + bound;
      case "minLength" -> "must be at least " + bound + " characters long";
      case "maxLength" -> "must be at most " + bound + " characters long";
      case "minItems" -> "must have at least " + bound + " items";
      case "maxItems" -> "must have at most " + bound + " items";
      case "uniqueItems" -> "items must be unique";
      case "minProperties" -> "must have at least " + bound + " entries";
      case "maxProperties" -> "must have at most " + bound + " entries";
      case "format" -> "must be a valid " + bound.replace("\"", "");
      case "propertyNames" -> invalidKey(message);
      default -> secret ? "does not satisfy the schema" : withoutLocation(message);
    };
  }

  /**
   * A key of a keyed map (a mint address, an endpoint name) that the map's {@code propertyNames}
   * refuses; the schema's description of its keys says best what was expected.
   */
  private static String invalidKey(ValidationMessage message) {
    JsonNode names = message.getSchemaNode();
    if (names != null && names.path("description").isTextual()) {
      String expected = names.get("description").asText().trim();
      if (expected.endsWith(".")) {
        expected = expected.substring(0, expected.length() - 1);
      }
      return "not a valid key (expected: " + expected + ")";
    }
    String reason = withoutLocation(message);
    int colon = reason.indexOf("is not valid: ");
    return "not a valid key: "
        + (colon >= 0 ? reason.substring(colon + "is not valid: ".length()) : reason);
  }

  private static String withoutLocation(ValidationMessage message) {
    String error = message.getError();
    return error == null ? message.getMessage() : error;
  }

  private static String article(String type) {
    return switch (type) {
      case "integer", "object", "array" -> "an " + type;
      default -> "a " + type;
    };
  }

  private static String typeOf(JsonNode node) {
    if (node == null || node.isNull()) {
      return "null";
    }
    if (node.isIntegralNumber()) {
      return "an integer";
    }
    if (node.isNumber()) {
      return "a number";
    }
    if (node.isTextual()) {
      return "a string";
    }
    if (node.isBoolean()) {
      return "a boolean";
    }
    return node.isArray() ? "a list" : "a map";
  }

  private static JsonSchemaFactory factory() {
    JsonMetaSchema meta =
        JsonMetaSchema.builder(JsonMetaSchema.getV202012())
            .keyword(new NonValidationKeyword("x-secret"))
            .keyword(new NonValidationKeyword("x-reload"))
            .build();
    return JsonSchemaFactory.getInstance(
        SpecVersion.VersionFlag.V202012, builder -> builder.metaSchema(meta));
  }
}
