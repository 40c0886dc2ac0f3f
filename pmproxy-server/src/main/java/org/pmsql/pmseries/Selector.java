package org.pmsql.pmseries;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which series a selection names. Qualifiers choose series, as pmproxy's do: an instance
 * qualifier chooses the series that has such an instance (its values keep all instances); a
 * label qualifier is met by the series' labels or by any of its instances'. A quoted value is
 * compared with a label as a JSON string, an unquoted one with its JSON text (numbers, true).
 * Globs are fnmatch(3)'s; regular expressions are bounded in the work one match may take.
 */
public final class Selector {
  /** Longest glob or regular expression accepted. */
  static final int MAX_PATTERN = 1024;

  private final Expression.Selection selection;
  private final Pattern metric;

  public Selector(Expression.Selection selection) throws QueryException {
    this.selection = selection;
    String glob = selection.metricGlob();
    this.metric = glob == null || !glob.contains("*") ? null : glob(glob);
  }

  /** The series of {@code all} the selection names, in the order given. */
  public List<Series> select(Collection<Series> all, Map<String, List<String>> sourceNames)
      throws QueryException {
    List<Series> chosen = new ArrayList<>();
    for (Series s : all) {
      if (metricMatches(s.metric())
          && (selection.qualifier() == null || meets(selection.qualifier(), s, sourceNames))) {
        chosen.add(s);
      }
    }
    return chosen;
  }

  private boolean metricMatches(String name) throws QueryException {
    String glob = selection.metricGlob();
    if (glob == null) {
      return true;
    }
    return metric == null ? glob.equals(name) : BoundedMatch.matches(metric, name);
  }

  private boolean meets(Qualifier q, Series s, Map<String, List<String>> sourceNames)
      throws QueryException {
    if (q instanceof Qualifier.And and) {
      return meets(and.left(), s, sourceNames) && meets(and.right(), s, sourceNames);
    }
    if (q instanceof Qualifier.Or or) {
      return meets(or.left(), s, sourceNames) || meets(or.right(), s, sourceNames);
    }
    Qualifier.Compare c = (Qualifier.Compare) q;
    return switch (c.subject()) {
      case METRIC -> compares(c, s.metric());
      case SOURCE -> anyCompares(c, sourceNames.getOrDefault(s.source(), List.of()));
      case INSTANCE -> anyCompares(c, s.instances().stream().map(Series.Instance::name)
          .toList());
      case LABEL -> labelMeets(c, s.labels()) || anyLabelMeets(c, s.instances());
    };
  }

  private boolean anyLabelMeets(Qualifier.Compare c, List<Series.Instance> instances)
      throws QueryException {
    for (Series.Instance i : instances) {
      if (labelMeets(c, i.labels())) {
        return true;
      }
    }
    return false;
  }

  private boolean anyCompares(Qualifier.Compare c, List<String> names) throws QueryException {
    for (String name : names) {
      if (compares(c, name)) {
        return true;
      }
    }
    return false;
  }

  private boolean labelMeets(Qualifier.Compare c, Map<String, String> labels)
      throws QueryException {
    String json = labels.get(c.name());
    if (json == null) {
      return c.op().equals("!=");
    }
    boolean isString = json.startsWith("\"");
    return switch (c.op()) {
      case "==" -> json.equals(c.quoted() ? jsonString(c.value()) : c.value());
      case "!=" -> !json.equals(c.quoted() ? jsonString(c.value()) : c.value());
      default -> compares(c, isString ? unquoteJson(json) : json);
    };
  }

  /** Compares a name or label value (as text) with the qualifier's value. */
  private static boolean compares(Qualifier.Compare c, String actual) throws QueryException {
    return switch (c.op()) {
      case "==" -> actual.equals(c.value());
      case "!=" -> !actual.equals(c.value());
      case "~~" -> BoundedMatch.matches(glob(c.value()), actual);
      case "=~" -> BoundedMatch.finds(regex(c.value()), actual);
      case "!~" -> !BoundedMatch.finds(regex(c.value()), actual);
      default -> order(c.op(), compare(actual, c.value()));
    };
  }

  private static int compare(String actual, String value) {
    try {
      return Double.compare(Double.parseDouble(actual), Double.parseDouble(value));
    } catch (NumberFormatException e) {
      return actual.compareTo(value);
    }
  }

  private static boolean order(String op, int sign) {
    return switch (op) {
      case "<" -> sign < 0;
      case "<=" -> sign <= 0;
      case ">" -> sign > 0;
      default -> sign >= 0;
    };
  }

  static String jsonString(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (ch < 0x20) {
            out.append(String.format("\\u%04x", (int) ch));
          } else {
            out.append(ch);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  private static String unquoteJson(String json) {
    StringBuilder out = new StringBuilder();
    for (int i = 1; i < json.length() - 1; i++) {
      char ch = json.charAt(i);
      if (ch == '\\' && i + 1 < json.length() - 1) {
        char next = json.charAt(++i);
        switch (next) {
          case 'n' -> out.append('\n');
          case 't' -> out.append('\t');
          case 'r' -> out.append('\r');
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'u' -> {
            if (i + 4 < json.length()) {
              out.append((char) Integer.parseInt(json.substring(i + 1, i + 5), 16));
              i += 4;
            }
          }
          default -> out.append(next);
        }
      } else {
        out.append(ch);
      }
    }
    return out.toString();
  }

  /** Whether all of {@code text} matches a {@link #glob}. */
  public static boolean matches(Pattern glob, String text) throws QueryException {
    return BoundedMatch.matches(glob, text);
  }

  /** fnmatch(3) without flags: * any run, ? one character, [...] a set. */
  public static Pattern glob(String glob) throws QueryException {
    if (glob.length() > MAX_PATTERN) {
      throw new QueryException("a glob of " + glob.length() + " characters; at most "
          + MAX_PATTERN);
    }
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char ch = glob.charAt(i);
      switch (ch) {
        case '*' -> re.append(".*");
        case '?' -> re.append('.');
        case '[' -> {
          int close = glob.indexOf(']', i + 2);
          if (close < 0) {
            re.append("\\[");
          } else {
            String set = glob.substring(i + 1, close);
            re.append('[').append(set.startsWith("!") ? "^" + quoteSet(set.substring(1))
                : quoteSet(set)).append(']');
            i = close;
          }
        }
        case '\\' -> {
          if (i + 1 < glob.length()) {
            re.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
          }
        }
        default -> re.append(Pattern.quote(String.valueOf(ch)));
      }
    }
    return Pattern.compile(re.toString(), Pattern.DOTALL);
  }

  private static String quoteSet(String set) {
    return set.replace("\\", "\\\\").replace("[", "\\[").replace("&", "\\&");
  }

  static Pattern regex(String regex) throws QueryException {
    if (regex.length() > MAX_PATTERN) {
      throw new QueryException("a regular expression of " + regex.length() + " characters; at"
          + " most " + MAX_PATTERN);
    }
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new QueryException("bad regular expression '" + regex + "': "
          + e.getDescription());
    }
  }
}
