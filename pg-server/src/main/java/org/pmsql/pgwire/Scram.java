package org.pmsql.pgwire;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The server's side of SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL speaks it: no channel
 * binding (the server offers only SCRAM-SHA-256, not -PLUS), 4096 iterations, the user named
 * in the start-up packet rather than in the SCRAM message. An unknown user goes through the
 * same exchange with a password nobody has, so a reply does not tell which names exist.
 */
final class Scram {
  static final String MECHANISM = "SCRAM-SHA-256";
  private static final int ITERATIONS = 4096;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] salt;
  private final byte[] storedKey;
  private final byte[] serverKey;
  private String clientFirstBare;
  private String serverFirst;
  private String nonce;

  /**
   * A server's salted keys, derived once per user and password (4096 rounds of PBKDF2 for
   * each login would be a cost anyone could make the server pay), and the salts of users it
   * does not have, the same on every attempt as a real user's.
   */
  static final class Keys {
    private static final int MAX_USERS = 10_000;
    private final Map<String, byte[][]> derived = new HashMap<>();
    private final byte[] secret = new byte[32];

    Keys() {
      RANDOM.nextBytes(secret);
    }

    synchronized Scram of(String user, String password) {
      byte[][] keys = derived.get(user + '\0' + password);
      if (keys == null) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        keys = keys(password, salt);
        if (derived.size() < MAX_USERS) {
          derived.put(user + '\0' + password, keys);
        }
      }
      return new Scram(keys);
    }

    /** A stand-in for a user that does not exist: its salt fixed, its password random. */
    Scram unknown(String user) {
      byte[] salt = Arrays.copyOf(hmac(secret, user), 16);
      byte[] password = new byte[24];
      RANDOM.nextBytes(password);
      return new Scram(keys(Base64.getEncoder().encodeToString(password), salt));
    }

    private static byte[][] keys(String password, byte[] salt) {
      byte[] salted = hi(password, salt);
      return new byte[][] {salt, sha256(hmac(salted, "Client Key")), hmac(salted, "Server Key")};
    }
  }

  private Scram(byte[][] keys) {
    this.salt = keys[0];
    this.storedKey = keys[1];
    this.serverKey = keys[2];
  }

  /** The server-first message, given the client-first message. */
  String serverFirst(String clientFirst) {
    if (clientFirst.startsWith("p=")) {
      throw new AuthenticationFailure("channel binding is not offered; use SCRAM-SHA-256");
    }
    if (!clientFirst.startsWith("n,") && !clientFirst.startsWith("y,")) {
      throw new AuthenticationFailure("malformed SCRAM message");
    }
    int bare = clientFirst.indexOf(',', 2);
    if (bare < 0) {
      throw new AuthenticationFailure("malformed SCRAM message");
    }
    clientFirstBare = clientFirst.substring(bare + 1);
    String clientNonce = attribute(clientFirstBare, 'r');
    byte[] serverNonce = new byte[18];
    RANDOM.nextBytes(serverNonce);
    nonce = clientNonce + Base64.getEncoder().encodeToString(serverNonce);
    serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(salt) + ",i="
        + ITERATIONS;
    return serverFirst;
  }

  /** The server-final message when the client's proof is right; otherwise a failure. */
  String serverFinal(String clientFinal) {
    int proofAt = clientFinal.lastIndexOf(",p=");
    if (proofAt < 0) {
      throw new AuthenticationFailure("malformed SCRAM message");
    }
    String withoutProof = clientFinal.substring(0, proofAt);
    if (!nonce.equals(attribute(withoutProof, 'r'))) {
      throw new AuthenticationFailure("SCRAM nonce mismatch");
    }
    byte[] proof;
    try {
      proof = Base64.getDecoder().decode(clientFinal.substring(proofAt + 3));
    } catch (IllegalArgumentException e) {
      throw new AuthenticationFailure("malformed SCRAM proof");
    }
    String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
    byte[] signature = hmac(storedKey, authMessage);
    if (proof.length != signature.length) {
      throw new AuthenticationFailure("password authentication failed");
    }
    byte[] clientKey = new byte[proof.length];
    for (int i = 0; i < proof.length; i++) {
      clientKey[i] = (byte) (proof[i] ^ signature[i]);
    }
    if (!MessageDigest.isEqual(sha256(clientKey), storedKey)) {
      throw new AuthenticationFailure("password authentication failed");
    }
    return "v=" + Base64.getEncoder().encodeToString(hmac(serverKey, authMessage));
  }

  private static String attribute(String message, char name) {
    for (String part : message.split(",")) {
      if (part.length() >= 2 && part.charAt(0) == name && part.charAt(1) == '=') {
        return part.substring(2);
      }
    }
    throw new AuthenticationFailure("malformed SCRAM message: no " + name + "=");
  }

  private static byte[] hi(String password, byte[] salt) {
    try {
      SecretKeyFactory factory = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
      return factory.generateSecret(new PBEKeySpec(password.toCharArray(), salt, ITERATIONS,
          256)).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable", e);
    }
  }

  private static byte[] hmac(byte[] key, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  /** Authentication failed: the client is told only that, and disconnected. */
  static final class AuthenticationFailure extends RuntimeException {
    AuthenticationFailure(String message) {
      super(message);
    }
  }
}
