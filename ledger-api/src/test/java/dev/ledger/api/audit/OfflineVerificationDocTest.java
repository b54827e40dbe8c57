package dev.ledger.api.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ledger.api.support.ApiTest;
import dev.ledger.api.support.Http;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The verification script of docs/audit.md, run as an auditor would run it on an export: it accepts
 * the untouched export and names the event of one that was changed. It needs {@code python3}; where
 * there is none the test is skipped (the encoding is checked without Python by {@link
 * AuditEventsApiTest} through {@link DocumentedHash}).
 */
class OfflineVerificationDocTest extends ApiTest {
  @Test
  void theDocumentedScriptVerifiesAnExportAndNamesAChangedEvent() throws Exception {
    assumeTrue(python() != null, "python3 is not installed");
    String script = scriptOf(Path.of("..", "docs", "audit.md"));
    Path dir = Files.createTempDirectory("audit-doc");
    Path verifier = Files.writeString(dir.resolve("verify_export.py"), script);

    Http auditor = new Http(port, newKey(tenant, "audit:read"));
    funded("platform:points:issuance", "user:ola:points", 250, "POINTS");
    assertThat(
            transfer("t-2", "user:ola:points", "platform:points:issuance", 50, "POINTS").status())
        .isEqualTo(201);
    String export = auditor.get("/v1/audit/export").raw().body();
    List<String> lines = export.lines().toList();
    assertThat(lines).hasSize(8);

    Path good = Files.writeString(dir.resolve("history.ndjson"), export);
    Result accepted = run(verifier, good);
    assertThat(accepted.exit()).as(accepted.output()).isZero();
    assertThat(accepted.output()).contains("8 events checked, 0 problems");

    // change the payload of the 4th event (the first debit) in the file, as a forger would
    String changed = lines.get(3);
    Map<?, ?> event = Http.JSON.readValue(changed, Map.class);
    String payload =
        new String(
            java.util.Base64.getDecoder()
                .decode((String) ((Map<?, ?>) event.get("raw")).get("payload")),
            StandardCharsets.UTF_8);
    String forged =
        java.util.Base64.getEncoder()
            .encodeToString(
                payload
                    .replace("\"amount\":250", "\"amount\":25")
                    .getBytes(StandardCharsets.UTF_8));
    assertThat(forged).isNotEqualTo(((Map<?, ?>) event.get("raw")).get("payload"));
    String forgedLine =
        changed.replace((String) ((Map<?, ?>) event.get("raw")).get("payload"), forged);
    Path bad = Files.writeString(dir.resolve("forged.ndjson"), export.replace(changed, forgedLine));
    Result refused = run(verifier, bad);
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.output())
        .contains("position " + event.get("position") + " (")
        .contains("its bytes do not hash to its hash")
        .contains("8 events checked, 1 problems");
  }

  /** The first {@code ```python} block of the document. */
  static String scriptOf(Path doc) throws Exception {
    String text = Files.readString(doc);
    int start = text.indexOf("```python\n");
    assertThat(start).as("a python block in " + doc).isNotNegative();
    int end = text.indexOf("\n```", start + 10);
    return text.substring(start + "```python\n".length(), end + 1);
  }

  private record Result(int exit, String output) {}

  private static Result run(Path script, Path export) throws Exception {
    Process process =
        new ProcessBuilder(python(), script.toString(), export.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), output);
  }

  private static String python() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, "python3");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }
}
