package io.gitconf.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Text in columns, each as wide as its widest cell (the header's included), so long author names
 * and microsecond timestamps never push a row out of line. The last column is not padded. A row may
 * carry notes, printed under it as they are (a rejected version's errors).
 *
 * <p>Not thread-safe: one command fills and prints it.
 */
final class TextTable {
  private record Row(List<String> cells, List<String> notes) {}

  private final List<Row> rows = new ArrayList<>();
  private final int columns;

  private TextTable(int columns) {
    this.columns = columns;
  }

  /** A table whose first row is {@code header}. */
  static TextTable withHeader(String... header) {
    return new TextTable(header.length).row(header);
  }

  /** A table without a header. */
  static TextTable withColumns(int columns) {
    return new TextTable(columns);
  }

  TextTable row(String... cells) {
    if (cells.length != columns) {
      throw new IllegalArgumentException(columns + " cells expected, got " + cells.length);
    }
    rows.add(new Row(List.of(cells), new ArrayList<>()));
    return this;
  }

  /** A line printed under the last row, outside the columns. */
  TextTable note(String line) {
    rows.get(rows.size() - 1).notes().add(line);
    return this;
  }

  void print(PrintWriter out) {
    int[] widths = new int[columns];
    for (Row row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], row.cells().get(i).length());
      }
    }
    for (Row row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        String cell = row.cells().get(i);
        line.append(cell);
        if (i < columns - 1) {
          line.append(" ".repeat(widths[i] - cell.length() + 1));
        }
      }
      out.println(line.toString().stripTrailing());
      row.notes().forEach(out::println);
    }
  }
}
