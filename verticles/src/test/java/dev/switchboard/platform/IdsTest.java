package dev.switchboard.platform;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Ids: version 7 UUIDs, ordered by time as text, unique")
class IdsTest {

  @Test
  @DisplayName("an id is a version 7, RFC 9562 variant UUID in the usual 36-character text form, carrying its millisecond")
  void layout() {
    long before = System.currentTimeMillis();
    String id = Ids.next();
    long after = System.currentTimeMillis();

    assertThat(id).hasSize(36).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    UUID uuid = UUID.fromString(id);
    assertThat(uuid.version()).isEqualTo(7);
    assertThat(uuid.variant()).isEqualTo(2);
    assertThat(uuid.getMostSignificantBits() >>> 16).isBetween(before, after);
  }

  @Test
  @DisplayName("ids of later milliseconds sort after earlier ones as text, whatever their random bits")
  void orderedByTimeAsText() {
    String early = Ids.uuid(1_700_000_000_000L, -1L, -1L).toString();
    String later = Ids.uuid(1_700_000_000_001L, 0L, 0L).toString();
    String muchLater = Ids.uuid(1_900_000_000_000L, 0L, 0L).toString();

    assertThat(early).isLessThan(later);
    assertThat(later).isLessThan(muchLater);
  }

  @Test
  @DisplayName("the random bits fill the rest: ids of the same millisecond differ, and none repeats in many")
  void unique() {
    Set<String> seen = new HashSet<>();
    List<String> inOrder = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      String id = Ids.next();
      assertThat(seen.add(id)).as("repeated id %s", id).isTrue();
      inOrder.add(id);
    }
    // made one after another: as text never earlier than an id made a millisecond or more before
    for (int i = 1; i < inOrder.size(); i++) {
      String previous = inOrder.get(i - 1).substring(0, 13);
      assertThat(inOrder.get(i).substring(0, 13)).isGreaterThanOrEqualTo(previous);
    }
  }
}
