package org.pmsql.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RunningSlotsTest {
  @Test
  void eachUserRunsTheirShareWaitsInOrderAndIsRefusedPastTheQueue() throws Exception {
    RunningSlots slots = new RunningSlots(2, 2);
    List<RunningSlots.Slot> alices = new ArrayList<>(List.of(slots.take("alice", "alice", 0, false),
        slots.take("alice", "alice", 0, false)));
    List<CompletableFuture<RunningSlots.Slot>> waiting = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      waiting.add(CompletableFuture.supplyAsync(() -> take(slots, "alice")));
      while (slots.waiting() < i + 1) {
        Thread.sleep(5);
      }
    }
    SQLException refused = assertThrows(SQLException.class, () -> slots.take("alice", "alice", 0, false));
    assertTrue(refused.getMessage().contains("alice has 2 running and 2 waiting"),
        refused.getMessage());
    assertEquals("53000", refused.getSQLState());
    // bob's turns are his own, whatever alice holds
    RunningSlots.Slot bobs = slots.take("bob", "bob", 1, false);
    assertEquals(3, slots.running());
    bobs.close();
    alices.remove(0).close();
    RunningSlots.Slot first = waiting.get(0).get(5, TimeUnit.SECONDS);
    assertEquals(1, slots.waiting(), "the first to wait is the first served");
    alices.remove(0).close();
    waiting.get(1).get(5, TimeUnit.SECONDS).close();
    first.close();
    assertEquals(0, slots.running());
    assertEquals(0, slots.waiting());
  }

  @Test
  void aWaitEndsAtItsBoundSayingWhy() throws Exception {
    RunningSlots slots = new RunningSlots(1, 4);
    try (RunningSlots.Slot held = slots.take("alice", "user 'alice'", 1, false)) {
      SQLException late = assertThrows(SQLException.class,
          () -> slots.take("alice", "user 'alice'", 1, false));
      assertTrue(late.getMessage().contains("query not started: user 'alice' had 1 queries"
          + " running for all of the 1 s statement timeout"), late.getMessage());
    }
    assertEquals(0, slots.waiting());
    slots.take("alice", "user 'alice'", 1, false).close();
  }

  @Test
  void aQueryAlreadyReadingGoesBeforeNewOnesButNotBeforeOneRunning() throws Exception {
    RunningSlots slots = new RunningSlots(1, 4);
    RunningSlots.Slot held = slots.take("alice", "alice", 0, false);
    CompletableFuture<RunningSlots.Slot> fresh =
        CompletableFuture.supplyAsync(() -> take(slots, "alice", false));
    awaitWaiting(slots, 1);
    CompletableFuture<RunningSlots.Slot> fetch =
        CompletableFuture.supplyAsync(() -> take(slots, "alice", true));
    awaitWaiting(slots, 2);
    held.close();
    fetch.get(5, TimeUnit.SECONDS).close();
    fresh.get(5, TimeUnit.SECONDS).close();
    assertEquals(0, slots.running());
    assertEquals(0, slots.waiting());
  }

  private static void awaitWaiting(RunningSlots slots, int count) throws InterruptedException {
    while (slots.waiting() < count) {
      Thread.sleep(5);
    }
    // waiting is counted before the wait begins; let the waiter reach it
    Thread.sleep(50);
  }

  private static RunningSlots.Slot take(RunningSlots slots, String user) {
    return take(slots, user, false);
  }

  private static RunningSlots.Slot take(RunningSlots slots, String user, boolean continuing) {
    try {
      return slots.take(user, user, 0, continuing);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
