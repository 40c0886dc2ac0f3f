package org.pmsql.archive.format;

/** A one-line or help text for a metric or an instance domain (TYPE_TEXT). */
public record HelpText(int textType, int ident, String text) {
  public static final int ONELINE = 1;
  public static final int HELP = 2;
  public static final int FOR_PMID = 4;
  public static final int FOR_INDOM = 8;
}
