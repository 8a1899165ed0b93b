package dev.mondrian.runner.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The four places where Jinjava and Python's Jinja (trim_blocks, lstrip_blocks) disagree. */
class JinjaSourceTest {
    private final TransformersJinja jinja = new TransformersJinja();

    @Test
    void lstripBlocksOnlyStripsIndentationAtTheStartOfALine() {
        assertThat(jinja.render("a  {% if true %}b{% endif %}\n  {% if true %}c{% endif %}\nd", Map.of())).isEqualTo("a  bcd");
        assertThat(jinja.render("x\n\t{# note #}\ny", Map.of())).isEqualTo("x\ny");
        assertThat(jinja.render("  {{ 'kept' }}", Map.of())).isEqualTo("  kept"); // expressions are never lstripped
    }

    @Test
    void minusOnCommentsStripsWhitespaceLikeOnTags() {
        assertThat(jinja.render("x\n\n  {#- gone #}y", Map.of())).isEqualTo("xy");
        assertThat(jinja.render("x{# gone -#}\n\n  y", Map.of())).isEqualTo("xy");
    }

    @Test
    void minusOnExpressionsStripsWhitespaceOnItsSide() {
        assertThat(jinja.render("a\n  {{- 'b' -}}\n  c", Map.of())).isEqualTo("abc");
        assertThat(jinja.render("a\n{{ 'b' }}\nc", Map.of())).isEqualTo("a\nb\nc");
    }

    @Test
    void oneTrailingNewlineIsDroppedAndLineEndingsAreNormalised() {
        assertThat(jinja.render("abc\n", Map.of())).isEqualTo("abc");
        assertThat(jinja.render("abc\n\n", Map.of())).isEqualTo("abc\n");
        assertThat(jinja.render("a\r\nb\r\n", Map.of())).isEqualTo("a\nb");
    }

    @Test
    void keywordArgumentValuesAreWholeExpressionsAndOtherEqualsSignsAreLeftAlone() {
        assertThat(KeywordArguments.parenthesize("{% set ns = namespace(a=x|length - 1, b=f(c=1, d=[1, 2])) %}"))
                .isEqualTo("{% set ns = namespace(a=(x|length - 1), b=(f(c=(1), d=([1, 2])))) %}");
        String untouched = "{% if (a == 1) or (b != 2) or (c <= 3) %}{{ 'k=v(' }}{% endif %}text a=b (c=d)";
        assertThat(KeywordArguments.parenthesize(untouched)).isEqualTo(untouched);
    }

    @Test
    void reversedSlicesBecomeTheReverseFilter() {
        assertThat(jinja.render("{% for m in messages[::-1] %}{{ m }}{% endfor %}", Map.of("messages", java.util.List.of(1, 2, 3))))
                .isEqualTo("321");
    }
}
