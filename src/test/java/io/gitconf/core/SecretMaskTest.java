package io.gitconf.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class SecretMaskTest {
  private static final String CIPHERTEXT = "ENC[v1,prod,k1,3GNtUIuOceTT2sUbXGEBRYFJC6I4HESE8wI2]";

  private static JsonNode json(String text) {
    return Json.parse("test", text);
  }

  @Test
  void ciphertextInsideAListIsMaskedItemByItem() {
    JsonNode list =
        json(
            "[\"plain\", \""
                + CIPHERTEXT
                + "\", {\"url\": \"https://rpc\", \"apiKey\": \""
                + CIPHERTEXT
                + "\"}]");

    JsonNode shown = SecretMask.forDisplay(SchemaSet.none(), ConfigPath.parse("trader.rpc"), list);

    assertThat(Json.canonical(shown))
        .isEqualTo("[\"plain\",\"****\",{\"apiKey\":\"****\",\"url\":\"https://rpc\"}]");
    assertThat(list.toString()).contains(CIPHERTEXT);
  }

  @Test
  void aListWithoutCiphertextIsShownAsItIs() {
    JsonNode list = json("[\"a\", \"b\"]");
    assertThat(SecretMask.forDisplay(SchemaSet.none(), ConfigPath.parse("trader.hosts"), list))
        .isSameAs(list);
  }

  @Test
  void maskingATreeReachesListsUnlessCiphertextIsKept() {
    ObjectNode tree =
        (ObjectNode) json("{\"endpoints\": [\"" + CIPHERTEXT + "\"], \"mode\": \"live\"}");

    assertThat(Json.canonical(SecretMask.maskTree(SchemaSet.none(), "trader", tree, false)))
        .isEqualTo("{\"endpoints\":[\"****\"],\"mode\":\"live\"}");
    assertThat(Json.canonical(SecretMask.maskTree(SchemaSet.none(), "trader", tree, true)))
        .isEqualTo("{\"endpoints\":[\"" + CIPHERTEXT + "\"],\"mode\":\"live\"}");
  }
}
