package org.pmsql.archive.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DictionaryCacheTest {
  private static final int DICTIONARY = 8 << 20;

  @Test
  void keepsNoMoreThanItsBoundHowManyDecodersEverReturnedTheirs() {
    DictionaryCache cache = new DictionaryCache(32L << 20);
    for (int i = 0; i < 20; i++) {
      cache.putArray(new byte[DICTIONARY]);
      cache.putArray(new int[1 << 16]);
    }
    assertTrue(cache.heldBytes() <= 32L << 20, cache.heldBytes() + " bytes held");
  }

  @Test
  void handsOutAReturnedArrayOfTheSizeAskedForZeroedWhenAsked() {
    DictionaryCache cache = new DictionaryCache(32L << 20);
    byte[] dictionary = new byte[DICTIONARY];
    dictionary[5] = 7;
    cache.putArray(dictionary);
    assertNotSame(dictionary, cache.getByteArray(DICTIONARY / 2, false));
    byte[] again = cache.getByteArray(DICTIONARY, true);
    assertSame(dictionary, again);
    assertEquals(0, again[5]);
    assertEquals(0, cache.heldBytes());
    assertNotSame(dictionary, cache.getByteArray(DICTIONARY, false), "taken once only");
  }

  @Test
  void theLeastRecentlyReturnedGoFirst() {
    DictionaryCache cache = new DictionaryCache(2L * DICTIONARY);
    byte[] oldest = new byte[DICTIONARY];
    cache.putArray(oldest);
    cache.putArray(new byte[DICTIONARY]);
    cache.putArray(new byte[DICTIONARY]);
    assertEquals(2L * DICTIONARY, cache.heldBytes());
    assertNotSame(oldest, cache.getByteArray(DICTIONARY, false));
    assertNotSame(oldest, cache.getByteArray(DICTIONARY, false));
  }
}
