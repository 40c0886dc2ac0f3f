package org.pmsql.serving;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The users file of {@code pmsql serve --users}: one user a line, {@code name: password[,role
 * ...]}, blank lines and {@code #} comments between. Read strictly, so that what a front-end's
 * authentication reads is what the operator meant: Jetty reads the file as Java properties,
 * where {@code mal:ory: x:y} is user {@code mal} with password {@code ory: x:y}, and a bad
 * obfuscated password stopped start-up naming no line. A password is plain, or hashed as Jetty
 * checks it: {@code MD5:} and 32 hexadecimal digits (of the password's bytes), or {@code CRYPT:}
 * and a crypt(3) string.
 */
public final class UsersFile {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]*");
  private static final Pattern ROLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Pattern MD5 = Pattern.compile("MD5:[0-9a-fA-F]{32}");
  private static final Pattern CRYPT = Pattern.compile("CRYPT:[./0-9A-Za-z$]{2,}");
  /** Larger files are refused before they are read. */
  private static final long MAX_BYTES = 1 << 20;

  /** A user: name, password as written (plain or hashed), roles. */
  public record User(String name, String password, List<String> roles) {
    public boolean hashed() {
      return password.startsWith("MD5:") || password.startsWith("CRYPT:");
    }
  }

  private UsersFile() {}

  /**
   * The users of a file; a line that is not {@code name: password[,role...]} is refused with
   * the file and line number and what is wrong, never the password itself.
   */
  public static List<User> read(Path file) throws IOException {
    if (Files.size(file) > MAX_BYTES) {
      throw new IOException("users file " + file + " is larger than " + MAX_BYTES + " bytes");
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<User> users = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      User user = parse(line, file + " line " + (i + 1));
      if (!names.add(user.name())) {
        throw new IOException("users file " + file + " line " + (i + 1) + ": user '"
            + user.name() + "' is listed twice");
      }
      users.add(user);
    }
    return users;
  }

  private static User parse(String line, String where) throws IOException {
    int colon = line.indexOf(':');
    String name = colon < 0 ? line : line.substring(0, colon);
    if (colon < 0 || !NAME.matcher(name).matches()) {
      throw new IOException("users file " + where + ": expected 'name: password[,role...]'"
          + " with a name of letters, digits and . _ @ -");
    }
    if (line.indexOf('\\') >= 0) {
      throw new IOException("users file " + where + ": a backslash is not allowed");
    }
    String[] parts = line.substring(colon + 1).split(",", -1);
    String password = parts[0].strip();
    if (password.isEmpty() || password.chars().anyMatch(Character::isWhitespace)) {
      throw new IOException("users file " + where + ": the password of '" + name + "' is empty"
          + " or holds white space (is a ':' in the name?)");
    }
    boolean looksHashed = password.startsWith("MD5:") || password.startsWith("CRYPT:")
        || password.startsWith("OBF:");
    if (looksHashed && !MD5.matcher(password).matches() && !CRYPT.matcher(password).matches()) {
      throw new IOException("users file " + where + ": the password of '" + name + "' must be"
          + " plain, MD5: and 32 hexadecimal digits, or CRYPT: and a crypt(3) string");
    }
    List<String> roles = new ArrayList<>();
    for (int i = 1; i < parts.length; i++) {
      String role = parts[i].strip();
      if (!ROLE.matcher(role).matches()) {
        throw new IOException("users file " + where + ": role '" + role + "' of '" + name
            + "' must be letters, digits and . _ -");
      }
      roles.add(role);
    }
    return new User(name, password, List.copyOf(roles));
  }
}
