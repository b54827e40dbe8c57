package dev.ledger.api.ledger;

import dev.ledger.api.web.RequestContext;
import java.util.Map;
import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.stereotype.Component;

/**
 * Sends a command on behalf of the current request. The tenant, the API key and the request id
 * travel as command metadata, and Axon's correlation providers copy them into every event the
 * command causes: that is how an auditor learns who caused what.
 */
@Component
public class LedgerCommands {
  private final CommandGateway gateway;

  public LedgerCommands(CommandGateway gateway) {
    this.gateway = gateway;
  }

  public <R> R send(Object command) {
    RequestContext context = RequestContext.current();
    var message =
        GenericCommandMessage.asCommandMessage(command)
            .andMetaData(
                Map.of(
                    "tenant",
                    context.tenant(),
                    "keyId",
                    context.keyId(),
                    "requestId",
                    context.requestId()));
    try {
      return gateway.sendAndWait(message);
    } catch (CommandExecutionException e) {
      // a checked exception from a handler arrives wrapped; rejections and conflicts are runtime
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }
}
