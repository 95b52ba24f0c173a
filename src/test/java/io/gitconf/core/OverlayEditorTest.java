package io.gitconf.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class OverlayEditorTest {
  private static final String RISK =
      """
      # Conservative limits for real money.
      parameters:
        maxPositionSizeUsd: 500   # per token
        maxTotalPositionUsd: 5000

      exits:
        stopLossPercent: 3
      """;

  @Test
  void replacesAValueKeepingCommentsAndEveryOtherLine() {
    String edited =
        OverlayEditor.set(
            "environments/prod/risk.yaml",
            RISK,
            List.of("parameters", "maxPositionSizeUsd"),
            IntNode.valueOf(250));
    assertThat(edited)
        .isEqualTo(
            RISK.replace(
                "maxPositionSizeUsd: 500   # per token", "maxPositionSizeUsd: 250   # per token"));
  }

  @Test
  void addsAMissingKeyUnderItsMapWithTheMapsIndentation() {
    String edited =
        OverlayEditor.set(
            "f.yaml", RISK, List.of("parameters", "maxOpenPositions"), IntNode.valueOf(4));
    assertThat(edited)
        .isEqualTo(
            RISK.replace(
                "  maxTotalPositionUsd: 5000\n",
                "  maxTotalPositionUsd: 5000\n  maxOpenPositions: 4\n"));
  }

  @Test
  void createsMissingMapsAndNewFiles() {
    assertThat(
            OverlayEditor.set(
                "f.yaml", RISK, List.of("limits", "dailyLossUsd"), IntNode.valueOf(100)))
        .isEqualTo(RISK + "limits:\n  dailyLossUsd: 100\n");
    assertThat(
            OverlayEditor.set(
                "f.yaml",
                "",
                List.of("rpc", "endpoints", "main", "apiKey"),
                TextNode.valueOf("ENC[v1,prod,k1,QUJD]")))
        .isEqualTo("rpc:\n  endpoints:\n    main:\n      apiKey: ENC[v1,prod,k1,QUJD]\n");
  }

  @Test
  void quotesStringsThatWouldReadAsAnotherType() {
    assertThat(OverlayEditor.set("f.yaml", "", List.of("mode"), TextNode.valueOf("true")))
        .isEqualTo("mode: \"true\"\n");
    assertThat(OverlayEditor.set("f.yaml", "", List.of("mode"), TextNode.valueOf("010")))
        .isEqualTo("mode: \"010\"\n");
    assertThat(OverlayEditor.set("f.yaml", "", List.of("mode"), TextNode.valueOf("live")))
        .isEqualTo("mode: live\n");
    assertThat(OverlayEditor.set("f.yaml", "", List.of("note"), TextNode.valueOf("a: b # c")))
        .isEqualTo("note: \"a: b # c\"\n");
  }

  @Test
  void replacesADeleteTagAndAWholeBlockValue() {
    String text = "limits:\n  perToken: !delete\nhosts:\n  - a\n  - b\nafter: 1\n";
    assertThat(OverlayEditor.set("f.yaml", text, List.of("limits", "perToken"), IntNode.valueOf(1)))
        .isEqualTo("limits:\n  perToken: 1\nhosts:\n  - a\n  - b\nafter: 1\n");
    assertThat(OverlayEditor.set("f.yaml", text, List.of("hosts"), Json.parse("t", "[\"c\"]")))
        .isEqualTo("limits:\n  perToken: !delete\nhosts: [\"c\"]\nafter: 1\n");
  }

  @Test
  void refusesToEditInsideAFlowStyleMap() {
    assertThatThrownBy(
            () ->
                OverlayEditor.set(
                    "f.yaml",
                    "limits: {dailyLossUsd: 1}\n",
                    List.of("limits", "perToken"),
                    IntNode.valueOf(1)))
        .hasMessage("f.yaml:1: 'limits' is not a block-style map; edit it by hand");
  }

  @Test
  void deleteMarksAKeyAnEarlierLayerSets() {
    assertThat(OverlayEditor.delete("f.yaml", RISK, List.of("exits", "stopLossPercent")))
        .isEqualTo(RISK.replace("stopLossPercent: 3", "stopLossPercent: !delete"));
    assertThat(OverlayEditor.delete("f.yaml", RISK, List.of("limits", "perToken")))
        .isEqualTo(RISK + "limits:\n  perToken: !delete\n");
  }

  @Test
  void removeTakesAKeyOutAndTheMapsItEmpties() {
    assertThat(OverlayEditor.remove("f.yaml", RISK, List.of("parameters", "maxPositionSizeUsd")))
        .isEqualTo(RISK.replace("  maxPositionSizeUsd: 500   # per token\n", ""));
    assertThat(OverlayEditor.remove("f.yaml", RISK, List.of("exits", "stopLossPercent")))
        .isEqualTo(
            "# Conservative limits for real money.\nparameters:\n  maxPositionSizeUsd: 500   # per token\n"
                + "  maxTotalPositionUsd: 5000\n");
    assertThat(
            OverlayEditor.remove(
                "f.yaml",
                "# only\nexits:\n  stopLossPercent: 3\n",
                List.of("exits", "stopLossPercent")))
        .isEmpty();
    assertThat(OverlayEditor.remove("f.yaml", RISK, List.of("limits", "dailyLossUsd")))
        .isEqualTo(RISK);
  }
}
