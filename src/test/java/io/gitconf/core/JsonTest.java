package io.gitconf.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** What Jackson's generator writes: the canonical form checksums were always computed over. */
  private static String generated(JsonNode node) throws JsonProcessingException {
    return Json.MAPPER.writeValueAsString(node);
  }

  @Test
  void canonicalScalarsAreExactlyWhatTheGeneratorWrites() throws JsonProcessingException {
    List<JsonNode> values = new ArrayList<>();
    values.add(NODES.numberNode(0));
    values.add(NODES.numberNode(-7));
    values.add(NODES.numberNode(Integer.MIN_VALUE));
    values.add(NODES.numberNode(Long.MAX_VALUE));
    values.add(NODES.numberNode(Long.MIN_VALUE));
    values.add(NODES.numberNode(2.5));
    values.add(NODES.booleanNode(true));
    values.add(NODES.booleanNode(false));
    values.add(NODES.nullNode());
    for (String text :
        List.of(
            "",
            "live",
            "https://api.mainnet-beta.solana.com",
            "ENC[v1,prod,k1,3GNtUIuOceTT2sUb+/=]",
            "say \"hi\"",
            "back\\slash",
            "tab\there",
            "line\nbreak",
            "\u0000",
            "\u007f",
            "Société",
            "🚀 moon")) {
      values.add(NODES.textNode(text));
    }
    Random random = new Random(42);
    for (int i = 0; i < 2_000; i++) {
      values.add(NODES.numberNode(random.nextLong()));
      StringBuilder text = new StringBuilder();
      for (int c = random.nextInt(12); c > 0; c--) {
        text.append((char) random.nextInt(0x110));
      }
      values.add(NODES.textNode(text.toString()));
    }
    for (JsonNode value : values) {
      assertThat(Json.canonical(value)).as("%s", value).isEqualTo(generated(value));
    }
  }
}
