package org.pmsql.benchmarks;

/**
 * The Java side of benchmarks/run-decode-bench: the same passes as libpcp's loop prints, in the
 * same format, so the script can put the two side by side.
 */
public final class DecodeRate {
  private DecodeRate() {}

  public static void main(String[] args) throws Exception {
    String archive = args[0];
    int passes = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    for (int pass = 0; pass < passes; pass++) {
      long start = System.nanoTime();
      DecodeBenchmark.Totals t = DecodeBenchmark.scan(DecodeBenchmark.open(archive));
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("pmsql values=%d sum=%.17g seconds=%.6f values_per_sec=%.0f%n",
          t.values, t.sum, seconds, t.values / seconds);
    }
  }
}
