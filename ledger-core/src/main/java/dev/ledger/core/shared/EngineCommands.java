package dev.ledger.core.shared;

import java.util.Map;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;

/**
 * Commands the engine sends by itself (from a saga or a deadline). They carry the tenant and the
 * engine's actor name as metadata, as a request's commands carry its tenant and API key, so every
 * event says who caused it.
 */
public final class EngineCommands {
  private EngineCommands() {}

  public static void send(CommandGateway commands, Object command, TenantId tenant, String actor) {
    commands.sendAndWait(
        GenericCommandMessage.asCommandMessage(command)
            .andMetaData(Map.of("tenant", tenant.value(), "keyId", actor)));
  }
}
