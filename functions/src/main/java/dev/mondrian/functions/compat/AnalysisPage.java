package dev.mondrian.functions.compat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /analysis/{id}} and {@code GET /summary/{id}} answered HTML in the original service. Model output is never
 * trusted as markup here: the page carries the analysis as escaped text only.
 */
final class AnalysisPage {
    /** No scripts, frames or remote loads, even if escaping were ever bypassed. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'";

    private static final Pattern SENTENCE_END = Pattern.compile("[.!?](\\s|$)");

    private AnalysisPage() {}

    static String render(String advisorName, String analysis) {
        return page("Analysis by " + advisorName, ".analysis{white-space:pre-wrap}",
                "<div class=\"analysis\">" + escape(analysis) + "</div>\n");
    }

    /**
     * {@code GET /summary/{id}}: the original listed its three lowest-scored points; an analysis here has no scores,
     * so the summary is the opening sentence of each of its first three paragraphs, where a critique states its point.
     */
    static String summary(String advisorName, String analysis) {
        StringBuilder points = new StringBuilder();
        for (String sentence : openingSentences(analysis, 3)) {
            points.append("<li>").append(escape(sentence)).append("</li>\n");
        }
        return page("Summary by " + advisorName, "", "<ol class=\"points\">\n" + points
                + "</ol>\n<p><small>Written by an AI model: a starting point, not a verdict.</small></p>\n");
    }

    /** The page around a body: {@code title} is escaped here; {@code body} must be escaped HTML already. */
    private static String page(String title, String style, String body) {
        return """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>%1$s</title>
                <style>body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem}%2$s</style>
                </head>
                <body>
                <h1>%1$s</h1>
                %3$s</body>
                </html>
                """.formatted(escape(title), style, body);
    }

    static List<String> openingSentences(String analysis, int limit) {
        List<String> sentences = new ArrayList<>();
        for (String paragraph : analysis.strip().split("\\n\\s*\\n")) {
            String text = paragraph.strip().replaceAll("\\s+", " ");
            if (text.isEmpty()) {
                continue;
            }
            Matcher end = SENTENCE_END.matcher(text);
            sentences.add(end.find() ? text.substring(0, end.end()).strip() : text);
            if (sentences.size() == limit) {
                break;
            }
        }
        return sentences;
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
