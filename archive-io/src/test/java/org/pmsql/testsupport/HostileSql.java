package org.pmsql.testsupport;

import java.util.List;

/** SQL a hostile client sends over the shipped sample archive (host vm). */
public final class HostileSql {
  private HostileSql() {}

  /**
   * A join of n of the sample's metrics, each pair's sum compared with a third's value: the
   * planner's join reordering explodes on it (n = 5 planned for over five minutes).
   */
  public static String cyclicJoin(int n) {
    List<String> metrics = List.of("disk.dev.read", "disk.dev.write", "hinv.ncpu",
        "kernel.all.cpu.idle", "kernel.all.cpu.sys", "kernel.all.cpu.user");
    StringBuilder sql = new StringBuilder("SELECT count(*) FROM ");
    for (int i = 0; i < n; i++) {
      sql.append(i == 0 ? "" : ", ").append("vm.\"").append(metrics.get(i)).append("\" t")
          .append(i);
    }
    for (int i = 0; i + 1 < n; i++) {
      sql.append(i == 0 ? " WHERE " : " AND ").append(String.format(
          "t%d.ts = t%d.ts AND t%d.val + t%d.val > t%d.val", i, i + 1, i, i + 1, (i + 2) % n));
    }
    return sql.toString();
  }
}
