package dev.switchboard.platform;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Outside values in log lines and their limits")
class LogSafeTest {

  @Test
  @DisplayName("a newline, a carriage return, other control and format characters are escaped: no forged line")
  void controlCharactersAreEscaped() {
    String forged = "abc\n2026-01-01 INFO  fake line\r\u0000\u001b[31m\u202e\"\\";

    String safe = LogSafe.quote(forged);

    assertThat(safe).doesNotContain("\n", "\r", "\u0000", "\u001b", "\u202e")
        .isEqualTo("\"abc\\n2026-01-01 INFO  fake line\\r\\u0000\\u001b[31m\\u202e\\\"\\\\\"");
  }

  @Test
  @DisplayName("a long value is cut, saying how long it was; a plain one is left as it is")
  void longValuesAreCut() {
    assertThat(LogSafe.escape("x".repeat(300))).isEqualTo("x".repeat(LogSafe.MAX_LENGTH) + "...(300 characters)");
    assertThat(LogSafe.escape("order-1:k.2_3")).isEqualTo("order-1:k.2_3");
    assertThat(LogSafe.quote(null)).isEqualTo("null");
  }

  @Test
  @DisplayName("CallContext.logTag escapes the correlation id and aggregate id, however they came in")
  void logTagEscapes() {
    CallContext context = new CallContext("cid\n[cid=forged]", "agg\r\n", "", "", Map.of());

    assertThat(context.logTag()).isEqualTo("[cid=cid\\n[cid=forged] agg=agg\\r\\n]").doesNotContain("\n", "\r");
  }

  @Test
  @DisplayName("a correlation id from outside beyond 128 characters of [A-Za-z0-9._:-] is INVALID_ARGUMENT naming the limit")
  void correlationIdFromOutside() {
    assertThatThrownBy(() -> CallContext.fromOutside("c".repeat(300)))
        .isInstanceOfSatisfying(OperationException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessage("x-correlation-id must be at most 128 characters of [A-Za-z0-9._:-], was 300 characters");
    assertThatThrownBy(() -> CallContext.fromOutside("abc\ndef"))
        .hasMessage("x-correlation-id must be at most 128 characters of [A-Za-z0-9._:-], has \"\\n\" at position 3");
    assertThat(CallContext.fromOutside("c".repeat(128)).correlationId()).hasSize(128);
    assertThat(CallContext.fromOutside(null).correlationId()).isNotEmpty();
    assertThat(CallContext.fromOutside("").correlationId()).isNotEmpty();
  }
}
