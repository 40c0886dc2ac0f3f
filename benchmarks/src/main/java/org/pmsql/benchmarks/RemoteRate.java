package org.pmsql.benchmarks;


/**
 * The Java side of benchmarks/run-remote-bench: one query's rows read through jdbc:pcp: in
 * this process, then through pmsql serve (Avatica protobuf over loopback HTTP) at two fetch
 * sizes, best of N passes each, with the remote/local ratio. Every column of every row is read.
 */
public final class RemoteRate {
  private RemoteRate() {}

  public static void main(String[] args) throws Exception {
    String archives = args[0];
    String remoteUrl = args[1];
    String sql = args[2];
    int passes = Integer.parseInt(args[3]);
    double local = RowRate.best("local jdbc:pcp:", "jdbc:pcp:archives=" + archives, sql,
        100, passes, false);
    for (int fetchSize : new int[] {100, 10_000}) {
      double remote = RowRate.best("remote fetch size " + fetchSize, remoteUrl, sql, fetchSize,
          passes, false);
      System.out.printf("remote/local rows per second at fetch size %d: %.2f%n", fetchSize,
          remote / local);
    }
  }
}
