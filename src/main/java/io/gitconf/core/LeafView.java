package io.gitconf.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/**
 * A snapshot's leaves as callers see them: a sorted map that refuses every change, and whose lists
 * and maps are copies. Jackson's container nodes are mutable and cannot be made read-only short of
 * overriding dozens of mutators that change from one Jackson version to the next; so a container is
 * copied each time it is handed out, and changing the copy cannot change the snapshot. Scalar nodes
 * are immutable and are shared, so the common case costs nothing.
 *
 * <p>Immutable and thread-safe, as the map it views is never changed.
 */
final class LeafView extends AbstractMap<String, JsonNode> implements SortedMap<String, JsonNode> {
  private final SortedMap<String, JsonNode> leaves;

  /** A view of {@code leaves}, which nobody may change afterwards. */
  LeafView(SortedMap<String, JsonNode> leaves) {
    this.leaves = leaves;
  }

  /** What a caller may hold of a stored value: the value itself if immutable, else a copy. */
  static JsonNode handOut(JsonNode value) {
    return value != null && value.isContainerNode() ? value.deepCopy() : value;
  }

  @Override
  public JsonNode get(Object key) {
    return handOut(leaves.get(key));
  }

  @Override
  public boolean containsKey(Object key) {
    return leaves.containsKey(key);
  }

  @Override
  public int size() {
    return leaves.size();
  }

  @Override
  public Set<String> keySet() {
    return java.util.Collections.unmodifiableSet(leaves.keySet());
  }

  @Override
  public Set<Map.Entry<String, JsonNode>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<String, JsonNode>> iterator() {
        Iterator<Map.Entry<String, JsonNode>> entries = leaves.entrySet().iterator();
        return new Iterator<>() {
          @Override
          public boolean hasNext() {
            return entries.hasNext();
          }

          @Override
          public Map.Entry<String, JsonNode> next() {
            Map.Entry<String, JsonNode> entry = entries.next();
            return Map.entry(entry.getKey(), handOut(entry.getValue()));
          }
        };
      }

      @Override
      public int size() {
        return leaves.size();
      }
    };
  }

  @Override
  public Comparator<? super String> comparator() {
    return leaves.comparator();
  }

  @Override
  public SortedMap<String, JsonNode> subMap(String fromKey, String toKey) {
    return new LeafView(leaves.subMap(fromKey, toKey));
  }

  @Override
  public SortedMap<String, JsonNode> headMap(String toKey) {
    return new LeafView(leaves.headMap(toKey));
  }

  @Override
  public SortedMap<String, JsonNode> tailMap(String fromKey) {
    return new LeafView(leaves.tailMap(fromKey));
  }

  @Override
  public String firstKey() {
    return leaves.firstKey();
  }

  @Override
  public String lastKey() {
    return leaves.lastKey();
  }
}
