package dev.mondrian.runner.chat;

import java.util.regex.Pattern;

/**
 * Rewrites a template written for Python's Jinja (as transformers configures it) into source that
 * Jinjava, with trim_blocks on, renders the same way. Jinjava differs here: its lstrip_blocks
 * also strips spaces before a tag in the middle of a line, it ignores {@code -} on comments, it
 * keeps the template's final newline and {@code \r\n} as is, it has no step slices (Qwen3
 * reverses with {@code messages[::-1]}), and it binds keyword arguments tighter than operators.
 */
final class JinjaSource {
    /** Spaces and tabs that open a line and lead only to a block or comment tag (lstrip_blocks). */
    private static final Pattern LINE_INDENT_BEFORE_TAG = Pattern.compile("(?m)^[ \\t]+(?=\\{[%#](?![+-]))");
    private static final Pattern WHITESPACE_THEN_TRIMMING_COMMENT = Pattern.compile("\\s*\\{#-");
    private static final Pattern TRIMMING_COMMENT_END_THEN_WHITESPACE = Pattern.compile("-#}\\s*");
    private static final Pattern REVERSED_SLICE = Pattern.compile("\\[\\s*:\\s*:\\s*-1\\s*]");

    private JinjaSource() {}

    static String forJinjava(String pythonJinja) {
        String source = pythonJinja.replace("\r\n", "\n").replace('\r', '\n');
        // Jinja's default keep_trailing_newline=False drops one final newline; .jinja files usually end with one.
        if (source.endsWith("\n")) {
            source = source.substring(0, source.length() - 1);
        }
        source = LINE_INDENT_BEFORE_TAG.matcher(source).replaceAll("");
        // {%+ only switches lstrip off for its tag, which the pattern above already left alone.
        source = source.replace("{%+", "{%");
        source = WHITESPACE_THEN_TRIMMING_COMMENT.matcher(source).replaceAll("{#");
        source = TRIMMING_COMMENT_END_THEN_WHITESPACE.matcher(source).replaceAll("#}");
        source = REVERSED_SLICE.matcher(source).replaceAll("|reverse");
        return KeywordArguments.parenthesize(source);
    }
}
