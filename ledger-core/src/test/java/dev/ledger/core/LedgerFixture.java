package dev.ledger.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.core.account.Account;
import dev.ledger.core.account.AccountCommandHandler;
import dev.ledger.core.checkout.CheckoutCommandHandler;
import dev.ledger.core.checkout.Order;
import dev.ledger.core.checkout.Product;
import dev.ledger.core.coins.CoinPurchase;
import dev.ledger.core.coins.CoinPurchaseCommandHandler;
import dev.ledger.core.coins.Gift;
import dev.ledger.core.coins.GiftCommandHandler;
import dev.ledger.core.escrow.Escrow;
import dev.ledger.core.escrow.EscrowCommandHandler;
import dev.ledger.core.escrow.PayoutFailures;
import dev.ledger.core.investment.Investment;
import dev.ledger.core.investment.InvestmentCommandHandler;
import dev.ledger.core.payment.PaymentCommandHandler;
import dev.ledger.core.payment.StripePayment;
import dev.ledger.core.points.PointsCommandHandler;
import dev.ledger.core.shared.AccountId;
import dev.ledger.core.shared.LedgerRejection;
import dev.ledger.core.shared.Rejection;
import dev.ledger.core.shared.TransferId;
import dev.ledger.core.transfer.JournalEntry;
import dev.ledger.core.transfer.PendingTransferExpirySaga;
import dev.ledger.core.transfer.Postings;
import dev.ledger.core.transfer.Transfer;
import dev.ledger.core.transfer.TransferCommandHandler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.axonframework.commandhandling.AnnotationCommandHandlerAdapter;
import org.axonframework.commandhandling.SimpleCommandBus;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.ResultMessage;
import org.axonframework.messaging.annotation.ClasspathParameterResolverFactory;
import org.axonframework.messaging.annotation.MultiParameterResolverFactory;
import org.axonframework.messaging.annotation.ParameterResolverFactory;
import org.axonframework.messaging.annotation.SimpleResourceParameterResolverFactory;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.modelling.command.Repository;
import org.axonframework.modelling.saga.AnnotatedSagaManager;
import org.axonframework.modelling.saga.AssociationValue;
import org.axonframework.modelling.saga.repository.AnnotatedSagaRepository;
import org.axonframework.modelling.saga.repository.inmemory.InMemorySagaStore;
import org.axonframework.test.deadline.ScheduledDeadlineInfo;
import org.axonframework.test.deadline.StubDeadlineManager;

/**
 * The ledger's core wired on Axon's real components (command bus, event-sourcing repositories, an
 * event store, the expiry saga; the handlers of accounts, transfers, points, Stripe payments,
 * investments, the catalog and checkout), in memory, so that a command that touches several
 * aggregates can be tested for exactly the events it records.
 *
 * <p>{@code AggregateTestFixture} hosts a single aggregate instance, while a transfer changes a
 * transfer and two or more accounts in one unit of work; the wiring below is what {@code
 * DefaultConfigurer} would build. The saga sees events the way a tracking processor does: after the
 * command's unit of work, one event per unit of work.
 */
public final class LedgerFixture {
  public static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private final MutableClock clock = new MutableClock(START);
  private final InMemoryEventStorageEngine storage = new InMemoryEventStorageEngine();
  private final EmbeddedEventStore eventStore =
      EmbeddedEventStore.builder().storageEngine(storage).build();
  private final SimpleCommandBus commandBus = SimpleCommandBus.builder().build();
  private final CommandGateway gateway =
      DefaultCommandGateway.builder().commandBus(commandBus).build();
  private final EventSourcingRepository<Account> accounts =
      EventSourcingRepository.builder(Account.class).eventStore(eventStore).build();
  private final EventSourcingRepository<Transfer> transfers =
      EventSourcingRepository.builder(Transfer.class).eventStore(eventStore).build();
  private final EventSourcingRepository<JournalEntry> entries =
      EventSourcingRepository.builder(JournalEntry.class).eventStore(eventStore).build();
  private final EventSourcingRepository<StripePayment> payments =
      EventSourcingRepository.builder(StripePayment.class).eventStore(eventStore).build();
  private final EventSourcingRepository<Investment> investments =
      EventSourcingRepository.builder(Investment.class).eventStore(eventStore).build();
  private final EventSourcingRepository<Product> products =
      EventSourcingRepository.builder(Product.class).eventStore(eventStore).build();
  private final EventSourcingRepository<Order> orders =
      EventSourcingRepository.builder(Order.class).eventStore(eventStore).build();
  private final EventSourcingRepository<Escrow> escrows =
      EventSourcingRepository.builder(Escrow.class).eventStore(eventStore).build();
  private final EventSourcingRepository<PayoutFailures> payoutFailures =
      EventSourcingRepository.builder(PayoutFailures.class).eventStore(eventStore).build();
  private final EventSourcingRepository<CoinPurchase> coinPurchases =
      EventSourcingRepository.builder(CoinPurchase.class).eventStore(eventStore).build();
  private final EventSourcingRepository<Gift> gifts =
      EventSourcingRepository.builder(Gift.class).eventStore(eventStore).build();
  private final StubDeadlineManager deadlines = new StubDeadlineManager(START);
  private final InMemorySagaStore sagaStore = new InMemorySagaStore();
  private final AnnotatedSagaManager<PendingTransferExpirySaga> expirySagas;
  private final List<Object> dispatched = new ArrayList<>();
  private long eventsSeenBySagas;

  /** The gift fee rate of the fixture unless a test chooses one: 30 %, the engine's default. */
  public static final long GIFT_FEE_BASIS_POINTS = 3000;

  public LedgerFixture() {
    this(GIFT_FEE_BASIS_POINTS);
  }

  /**
   * @param giftFeeBasisPoints the gifts' fee rate, in 1/10,000
   */
  public LedgerFixture(long giftFeeBasisPoints) {
    new AnnotationCommandHandlerAdapter<>(new AccountCommandHandler(accounts, clock))
        .subscribe(commandBus);
    new AnnotationCommandHandlerAdapter<>(
            new TransferCommandHandler(accounts, transfers, entries, clock))
        .subscribe(commandBus);
    new AnnotationCommandHandlerAdapter<>(
            new PointsCommandHandler(new Postings(accounts, transfers, clock)))
        .subscribe(commandBus);
    new AnnotationCommandHandlerAdapter<>(new PaymentCommandHandler(payments))
        .subscribe(commandBus);
    new AnnotationCommandHandlerAdapter<>(
            new InvestmentCommandHandler(
                investments, new Postings(accounts, transfers, clock), clock))
        .subscribe(commandBus);
    new AnnotationCommandHandlerAdapter<>(
            new CheckoutCommandHandler(
                products, orders, new Postings(accounts, transfers, clock), clock))
        .subscribe(commandBus);
    new AnnotationCommandHandlerAdapter<>(
            new EscrowCommandHandler(escrows, new Postings(accounts, transfers, clock), clock))
        .subscribe(commandBus);
    new AnnotationCommandHandlerAdapter<>(new PayoutFailures.Handler(payoutFailures, clock))
        .subscribe(commandBus);
    new AnnotationCommandHandlerAdapter<>(
            new CoinPurchaseCommandHandler(
                coinPurchases, new Postings(accounts, transfers, clock), clock))
        .subscribe(commandBus);
    new AnnotationCommandHandlerAdapter<>(
            new GiftCommandHandler(
                gifts, new Postings(accounts, transfers, clock), clock, giftFeeBasisPoints))
        .subscribe(commandBus);
    commandBus.registerDispatchInterceptor(
        messages ->
            (index, message) -> {
              dispatched.add(message.getPayload());
              return message;
            });
    ParameterResolverFactory resources =
        MultiParameterResolverFactory.ordered(
            new SimpleResourceParameterResolverFactory(List.of(deadlines, gateway)),
            ClasspathParameterResolverFactory.forClass(PendingTransferExpirySaga.class));
    expirySagas =
        AnnotatedSagaManager.<PendingTransferExpirySaga>builder()
            .sagaType(PendingTransferExpirySaga.class)
            .sagaRepository(
                AnnotatedSagaRepository.<PendingTransferExpirySaga>builder()
                    .sagaType(PendingTransferExpirySaga.class)
                    .sagaStore(sagaStore)
                    .parameterResolverFactory(resources)
                    .build())
            .parameterResolverFactory(resources)
            // As in the application: a saga that fails must not go unnoticed.
            .listenerInvocationErrorHandler(PropagatingErrorHandler.instance())
            .build();
  }

  public MutableClock clock() {
    return clock;
  }

  /** Sends commands that must all be accepted: the state a test starts from. */
  public LedgerFixture given(Object... commands) {
    for (Object command : commands) {
      Outcome outcome = when(command);
      if (outcome.failure() != null) {
        throw new AssertionError("given command was not accepted: " + command, outcome.failure());
      }
    }
    return this;
  }

  /** Sends one command and captures its answer (or rejection) and the events it recorded. */
  public Outcome when(Object command) {
    long before = storedEventCount();
    Object result = null;
    Throwable failure = null;
    try {
      result = gateway.sendAndWait(command);
    } catch (RuntimeException e) {
      failure = e;
    }
    List<Object> recorded = payloads(storage.readEvents(null, false).skip(before).toList());
    runExpirySagas();
    return new Outcome(command, result, failure, recorded);
  }

  /**
   * Moves the clock on and fires every deadline that falls due on the way, each at its own time.
   * {@code clock().advance(...)} instead moves time without firing anything, as a late deadline
   * manager would.
   */
  public TimePassed advanceTimeBy(Duration duration) {
    Instant target = clock.instant().plus(duration);
    long before = storedEventCount();
    int commandsBefore = dispatched.size();
    Optional<Instant> due;
    while ((due = nextDeadlineUpTo(target)).isPresent()) {
      Instant firesAt = due.get().isAfter(clock.instant()) ? due.get() : clock.instant();
      clock.set(firesAt);
      // The stub runs each deadline in a unit of work of its own, as a deadline manager does; the
      // events it causes are stored when that unit of work commits, and only then seen by sagas.
      deadlines.advanceTimeTo(due.get(), (scope, deadline) -> expirySagas.send(deadline, scope));
      runExpirySagas();
    }
    deadlines.advanceTimeTo(target, (scope, deadline) -> {});
    clock.set(target);
    return new TimePassed(
        List.copyOf(dispatched.subList(commandsBefore, dispatched.size())),
        payloads(storage.readEvents(null, false).skip(before).toList()));
  }

  private Optional<Instant> nextDeadlineUpTo(Instant target) {
    return deadlines.getScheduledDeadlines().stream()
        .map(ScheduledDeadlineInfo::getScheduleTime)
        .min(Comparator.naturalOrder())
        .filter(time -> !time.isAfter(target));
  }

  /** The payloads of every event of one aggregate, oldest first. */
  public List<Object> eventsOf(Object aggregateId) {
    return eventStore
        .readEvents(aggregateId.toString())
        .asStream()
        .map(e -> (Object) e.getPayload())
        .toList();
  }

  /** The payloads of every event recorded, in order. */
  public List<Object> allEvents() {
    return payloads(storage.readEvents(null, false).toList());
  }

  /** The sequence number of the aggregate's latest stored event, or -1 if it has none. */
  public long lastSequenceOf(String aggregateId) {
    return eventStore
        .readEvents(aggregateId)
        .asStream()
        .mapToLong(e -> e.getSequenceNumber())
        .max()
        .orElse(-1);
  }

  /**
   * The sum of the posted balances of every account of {@code asset}, as their events rebuild them:
   * zero whenever double entry holds.
   */
  public long sumOfBalances(String asset) {
    java.util.Set<String> ids = new java.util.TreeSet<>();
    for (Object event : allEvents()) {
      if (event instanceof dev.ledger.core.account.AccountEvents.AccountOpened opened
          && opened.asset().equals(asset)) {
        ids.add(opened.accountId().toString());
      }
    }
    java.math.BigInteger sum = java.math.BigInteger.ZERO;
    for (String id : ids) {
      long posted = read(() -> accounts.load(id).invoke(a -> a.balance().posted()));
      sum = sum.add(java.math.BigInteger.valueOf(posted));
    }
    return sum.longValueExact();
  }

  /** The account as its events rebuild it. */
  public Account account(AccountId id) {
    return read(() -> accounts.load(id.toString()).invoke(account -> account));
  }

  public Repository<CoinPurchase> coinPurchases() {
    return coinPurchases;
  }

  public Repository<Gift> gifts() {
    return gifts;
  }

  public Repository<Transfer> transfers() {
    return transfers;
  }

  public Repository<Product> products() {
    return products;
  }

  public Repository<Order> orders() {
    return orders;
  }

  /** Runs a read in its own unit of work, which repositories require. */
  public <T> T read(Callable<T> read) {
    ResultMessage<T> result =
        DefaultUnitOfWork.startAndGet(GenericMessage.asMessage("read")).executeWithResult(read);
    if (result.isExceptional()) {
      throw new AssertionError("read failed", result.exceptionResult());
    }
    return result.getPayload();
  }

  public List<ScheduledDeadlineInfo> scheduledDeadlines() {
    return deadlines.getScheduledDeadlines();
  }

  /** How many expiry sagas are still waiting on this transfer. */
  public int activeExpirySagas(TransferId transferId) {
    return sagaStore
        .findSagas(
            PendingTransferExpirySaga.class,
            new AssociationValue("transferId", transferId.toString()))
        .size();
  }

  private void runExpirySagas() {
    List<? extends TrackedEventMessage<?>> unseen =
        storage.readEvents(null, false).skip(eventsSeenBySagas).toList();
    for (EventMessage<?> event : unseen) {
      eventsSeenBySagas++;
      if (!expirySagas.canHandle(event, Segment.ROOT_SEGMENT)) {
        continue;
      }
      ResultMessage<?> handled =
          DefaultUnitOfWork.startAndGet(event)
              .executeWithResult(
                  () -> {
                    expirySagas.handle(event, Segment.ROOT_SEGMENT);
                    return null;
                  });
      if (handled.isExceptional()) {
        throw new AssertionError(
            "the expiry saga failed on " + event.getPayload(), handled.exceptionResult());
      }
    }
  }

  private long storedEventCount() {
    return storage.readEvents(null, false).count();
  }

  private static List<Object> payloads(List<? extends EventMessage<?>> events) {
    return events.stream().map(e -> (Object) e.getPayload()).toList();
  }

  /** What a command did: its answer or its failure, and the events it recorded, in order. */
  public record Outcome(Object command, Object result, Throwable failure, List<Object> events) {
    /** The rule the command broke, or null if it was accepted or failed otherwise. */
    public Rejection rejection() {
      return failure instanceof LedgerRejection rejected ? rejected.rejection() : null;
    }

    public boolean accepted() {
      return failure == null;
    }

    public Outcome expectEvents(Object... expected) {
      expectAccepted();
      assertThat(events).as("events recorded by %s", command).containsExactly(expected);
      return this;
    }

    public Outcome expectNoEvents() {
      return expectEvents();
    }

    /** The command broke this rule, and nothing at all was recorded. */
    public Outcome expectRejection(Rejection expected) {
      assertThat(failure).as("failure of %s", command).isInstanceOf(LedgerRejection.class);
      assertThat(rejection()).as("rejection of %s", command).isEqualTo(expected);
      assertThat(events).as("events recorded by rejected %s", command).isEmpty();
      return this;
    }

    public <T> T result(Class<T> type) {
      expectAccepted();
      return type.cast(result);
    }

    private void expectAccepted() {
      assertThat(failure).as("failure of %s", command).isNull();
    }
  }

  /** What happened while time passed: the commands deadlines sent and the events they recorded. */
  public record TimePassed(List<Object> commands, List<Object> events) {}
}
