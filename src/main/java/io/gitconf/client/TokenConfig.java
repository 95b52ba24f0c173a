package io.gitconf.client;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** One token of the {@code tokens} category, with its mint address. */
public record TokenConfig(
    String mint,
    String symbol,
    int decimals,
    String program,
    boolean enabled,
    OptionalInt slippageBps,
    List<String> extensions,
    Optional<TransferFee> transferFee) {

  public TokenConfig {
    extensions = extensions == null ? List.of() : List.copyOf(extensions);
  }

  public boolean isToken2022() {
    return "token-2022".equals(program);
  }

  /** The transfer fee a Token-2022 mint charges, in basis points and raw units at most. */
  public record TransferFee(int basisPoints, long maximumFee) {}
}
