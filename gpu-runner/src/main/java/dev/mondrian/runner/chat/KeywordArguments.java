package dev.mondrian.runner.chat;

/**
 * Puts parentheses around keyword argument values inside template tags, so that
 * {@code namespace(last=messages|length - 1)} means what Python's Jinja reads: Jinjava binds
 * {@code last=messages|length} first and then tries to subtract 1 from the named argument.
 */
final class KeywordArguments {
    private KeywordArguments() {}

    static String parenthesize(String source) {
        StringBuilder out = new StringBuilder(source.length() + 16);
        int i = 0;
        while (i < source.length()) {
            int open = nextTagOpening(source, i);
            if (open < 0) {
                out.append(source, i, source.length());
                break;
            }
            out.append(source, i, open + 2);
            String closing = source.charAt(open + 1) == '{' ? "}}" : "%}";
            int end = tagEnd(source, open + 2, closing);
            out.append(rewriteTagBody(source.substring(open + 2, end)));
            i = end;
        }
        return out.toString();
    }

    private static int nextTagOpening(String s, int from) {
        int expression = s.indexOf("{{", from);
        int statement = s.indexOf("{%", from);
        if (expression < 0) {
            return statement;
        }
        return statement < 0 ? expression : Math.min(expression, statement);
    }

    /** Where the tag closes, skipping string literals; the end of the source when it never does. */
    private static int tagEnd(String s, int from, String closing) {
        char quote = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (s.startsWith(closing, i)) {
                return i;
            }
        }
        return s.length();
    }

    private static String rewriteTagBody(String body) {
        StringBuilder out = new StringBuilder(body.length() + 8);
        int depth = 0;
        int i = 0;
        while (i < body.length()) {
            char c = body.charAt(i);
            if (c == '\'' || c == '"') {
                int end = literalEnd(body, i);
                out.append(body, i, end);
                i = end;
                continue;
            }
            if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            }
            out.append(c);
            i++;
            if (c == '=' && depth > 0 && isKeywordEquals(body, i - 1)) {
                int valueEnd = argumentEnd(body, i);
                out.append('(').append(rewriteTagBody(body.substring(i, valueEnd))).append(')');
                i = valueEnd;
            }
        }
        return out.toString();
    }

    /** A lone '=' after an identifier, not part of ==, !=, <= or >=. */
    private static boolean isKeywordEquals(String body, int at) {
        char before = at > 0 ? body.charAt(at - 1) : ' ';
        char after = at + 1 < body.length() ? body.charAt(at + 1) : ' ';
        if (after == '=' || "=!<>".indexOf(before) >= 0) {
            return false;
        }
        int j = at - 1;
        while (j >= 0 && body.charAt(j) == ' ') {
            j--;
        }
        return j >= 0 && (Character.isLetterOrDigit(body.charAt(j)) || body.charAt(j) == '_');
    }

    /** The end of the value: the next ',' or closing bracket at the value's own nesting level. */
    private static int argumentEnd(String body, int from) {
        int depth = 0;
        int i = from;
        while (i < body.length()) {
            char c = body.charAt(i);
            if (c == '\'' || c == '"') {
                i = literalEnd(body, i);
                continue;
            }
            if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                if (depth == 0) {
                    return i;
                }
                depth--;
            } else if (c == ',' && depth == 0) {
                return i;
            }
            i++;
        }
        return i;
    }

    private static int literalEnd(String body, int start) {
        char quote = body.charAt(start);
        for (int i = start + 1; i < body.length(); i++) {
            if (body.charAt(i) == '\\') {
                i++;
            } else if (body.charAt(i) == quote) {
                return i + 1;
            }
        }
        return body.length();
    }
}
