package dev.mondrian.runner.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.util.Map;
import jinjava.javax.el.CompositeELResolver;

/**
 * Jinjava set up to render templates as transformers' Jinja environment does
 * ({@code trim_blocks=True, lstrip_blocks=True}, {@code raise_exception}, {@code strftime_now},
 * the {@code generation} tag, Python str methods). Rendering is strict: Jinjava reports most
 * mistakes as errors beside a partial output, and a prompt with a silently missing piece is
 * worse than no prompt.
 */
public final class TransformersJinja {
    private final Jinjava jinjava;

    public TransformersJinja() {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PythonStringMethods());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        // Jinjava's own lstrip_blocks also strips before tags in mid-line, so JinjaSource does it instead.
        jinjava = new Jinjava(JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(false)
                .withElResolver(resolver)
                // Without this Jinjava ignores the '-' of {{- and -}}, which every modern template relies on.
                .withLegacyOverrides(LegacyOverrides.newBuilder().withUseTrimmingForNotesAndExpressions(true).build())
                .build());
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                TemplateFunctions.class, "raiseException", String.class));
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "strftime_now",
                TemplateFunctions.class, "strftimeNow", String.class));
        jinjava.getGlobalContext().registerTag(new GenerationTag());
    }

    /** Renders Python-Jinja {@code source} with {@code variables}; throws {@link ChatTemplateException} on any error. */
    public String render(String source, Map<String, ?> variables) {
        @SuppressWarnings("unchecked")
        RenderResult result = jinjava.renderForResult(JinjaSource.forJinjava(source), (Map<String, Object>) variables);
        if (result.getErrors().isEmpty()) {
            return result.getOutput();
        }
        for (TemplateError error : result.getErrors()) {
            for (Throwable cause = error.getException(); cause != null; cause = cause.getCause()) {
                if (cause instanceof ChatTemplateException refused) {
                    throw refused;
                }
            }
        }
        TemplateError first = result.getErrors().getFirst();
        throw new ChatTemplateException("chat template failed at line " + first.getLineno() + ": " + first.getMessage());
    }
}
