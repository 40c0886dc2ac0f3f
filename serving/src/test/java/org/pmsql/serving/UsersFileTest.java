package org.pmsql.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsersFileTest {
  @TempDir Path dir;

  private Path file(String text) throws IOException {
    return Files.writeString(dir.resolve("users"), text);
  }

  @Test
  void usersPasswordsAndRolesAsWritten() throws IOException {
    List<UsersFile.User> users = UsersFile.read(file("# operators\n\nalice: a-secret,log_requests"
        + "\nbob.smith@example: MD5:0123456789abcdef0123456789ABCDEF\ncarol: CRYPT:ab8X7mFQ.l8PE"
        + " , pcp , log_requests\n"));
    assertEquals(List.of("alice", "bob.smith@example", "carol"),
        users.stream().map(UsersFile.User::name).toList());
    assertEquals(List.of("log_requests"), users.get(0).roles());
    assertFalse(users.get(0).hashed());
    assertTrue(users.get(1).hashed() && users.get(2).hashed());
    assertEquals(List.of("pcp", "log_requests"), users.get(2).roles());
  }

  @Test
  void aLineThatIsNotOneUserIsRefusedByNumberWithoutItsPassword() throws IOException {
    String[][] cases = {
        {"alice: a\nmal:ory: x:y\n", "line 2", "white space"},
        {"dave: OBF:xyz\n", "line 1", "must be plain, MD5:"},
        {"erin: MD5:abc\n", "line 1", "32 hexadecimal"},
        {"frank secret\n", "line 1", "expected 'name: password"},
        {"gina: \n", "line 1", "empty"},
        {"hank: pw,ro le\n", "line 1", "role"},
        {"ivy: a\\\n  b\n", "line 1", "backslash"},
        {"jo: a\n#\njo: b\n", "line 3", "listed twice"}};
    for (String[] c : cases) {
      IOException e = assertThrows(IOException.class, () -> UsersFile.read(file(c[0])), c[0]);
      assertTrue(e.getMessage().contains(c[1]) && e.getMessage().contains(c[2]), e.getMessage());
      assertFalse(e.getMessage().contains("x:y") || e.getMessage().contains("xyz"),
          e.getMessage());
    }
  }
}
