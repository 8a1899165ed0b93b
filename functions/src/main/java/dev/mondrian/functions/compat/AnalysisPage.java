package dev.mondrian.functions.compat;

/**
 * {@code GET /analysis/{id}} answered HTML in the original service. Model output is never
 * trusted as markup here: the page carries the analysis as escaped text only.
 */
final class AnalysisPage {
    /** No scripts, frames or remote loads, even if escaping were ever bypassed. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'";

    private AnalysisPage() {}

    static String render(String advisorName, String analysis) {
        return """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>Analysis by %1$s</title>
                <style>body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem}\
                .analysis{white-space:pre-wrap}</style>
                </head>
                <body>
                <h1>Analysis by %1$s</h1>
                <div class="analysis">%2$s</div>
                </body>
                </html>
                """.formatted(escape(advisorName), escape(analysis));
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
