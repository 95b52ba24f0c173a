package io.gitconf.mirror;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Rows of the mirror's tables as records, in the column order {@link MirrorReader} selects. */
final class Rows {
  private Rows() {}

  static VersionRecord version(ResultSet rs) throws SQLException {
    return new VersionRecord(
        rs.getString(1),
        rs.getInt(2),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getTimestamp(6).toInstant(),
        rs.getString(7),
        StoredName.parse(VersionStatus.class, rs.getString(8)),
        stringList(rs.getString(9)),
        Optional.ofNullable(rs.getString(10)),
        rs.getInt(11),
        rs.getInt(12));
  }

  static AuditRecord audit(ResultSet rs) throws SQLException {
    return new AuditRecord(
        rs.getString(1),
        rs.getLong(2),
        rs.getInt(3),
        rs.getString(4),
        rs.getString(5),
        StoredName.parse(AuditAction.class, rs.getString(6)),
        Optional.ofNullable(rs.getString(7)),
        Optional.ofNullable(rs.getString(8)),
        rs.getString(9),
        rs.getString(10),
        rs.getTimestamp(11).toInstant(),
        rs.getString(12),
        rs.getString(13));
  }

  /** A {@code jsonb} list of strings (a version's or commit's errors). */
  static List<String> stringList(String json) {
    try {
      return Json.MAPPER.readValue(json, new TypeReference<List<String>>() {});
    } catch (JsonProcessingException e) {
      throw new GitconfException.Integrity(
          "mirror integrity: an errors column is not a JSON list of strings: " + json);
    }
  }
}
