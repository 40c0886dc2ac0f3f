package org.pmsql.pmproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pmsql.pmseries.QueryException;

class PmapiContextsTest {
  @Test
  void aContextIsFoundOnlyByTheUserWhoMadeIt() throws Exception {
    PmapiContexts contexts = new PmapiContexts();
    PmapiContexts.Context alices = contexts.create("alice", "bozo", "30");
    assertEquals("bozo", contexts.use("alice", Integer.toString(alices.id)).host);
    QueryException bob = assertThrows(QueryException.class,
        () -> contexts.use("bob", Integer.toString(alices.id)));
    assertEquals("unknown context identifier: " + alices.id, bob.getMessage());
    assertEquals("bozo", contexts.use("alice", Integer.toString(alices.id)).host,
        "bob's attempt took nothing from alice");
  }

  @Test
  void anUnusedContextExpiresAfterItsPollTimeout() throws Exception {
    PmapiContexts contexts = new PmapiContexts();
    PmapiContexts.Context c = contexts.create("alice", "bozo", "0.2");
    Thread.sleep(400);
    QueryException expired = assertThrows(QueryException.class,
        () -> contexts.use("alice", Integer.toString(c.id)));
    assertEquals("expired context identifier: " + c.id, expired.getMessage());
    QueryException gone = assertThrows(QueryException.class,
        () -> contexts.use("alice", Integer.toString(c.id)));
    assertEquals("unknown context identifier: " + c.id, gone.getMessage());
  }

  @Test
  void badTimeoutsAndIdsAreRefusedAndEachUserHoldsABoundedNumber() throws Exception {
    PmapiContexts contexts = new PmapiContexts();
    for (String bad : new String[] {"0", "-1", "x", "NaN", "1e9"}) {
      assertTrue(assertThrows(QueryException.class, () -> contexts.create("a", "h", bad))
          .getMessage().startsWith("invalid timeout requested in polltime"), bad);
    }
    assertEquals("invalid context identifier: 12x",
        assertThrows(QueryException.class, () -> contexts.use("a", "12x")).getMessage());
    PmapiContexts.Context first = contexts.create("a", "h", "60");
    for (int i = 0; i < PmapiContexts.MAX_PER_USER; i++) {
      contexts.create("a", "h", "60");
    }
    assertThrows(QueryException.class, () -> contexts.use("a", Integer.toString(first.id)),
        "the least recently used went");
  }
}
