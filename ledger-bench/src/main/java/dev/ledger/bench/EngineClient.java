package dev.ledger.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The engine's HTTP API as the benchmark uses it: JSON in, status and JSON out. */
final class EngineClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final HttpClient http;
  private final String base;
  private final String authorization;
  private final int port;

  EngineClient(int port, String apiKey) {
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    this.port = port;
    this.base = "http://127.0.0.1:" + port;
    this.authorization = "Bearer " + apiKey;
  }

  int port() {
    return port;
  }

  /** An answer: its status and its body (null when it had none or was not JSON). */
  record Response(int status, JsonNode body) {
    String code() {
      return body == null || !body.hasNonNull("code")
          ? "http_" + status
          : body.get("code").asText();
    }
  }

  Response post(String path, String json) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(REQUEST_TIMEOUT)
            .header("Authorization", authorization)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  Response get(String path) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(REQUEST_TIMEOUT)
            .header("Authorization", authorization)
            .GET()
            .build());
  }

  private Response send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    byte[] body = response.body();
    JsonNode node = null;
    if (body != null && body.length > 0) {
      try {
        node = JSON.readTree(body);
      } catch (IOException notJson) {
        node = null;
      }
    }
    return new Response(response.statusCode(), node);
  }

  /** A JSON string literal. */
  static String quote(String value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
