package dev.mondrian.runner.chat;

import com.hubspot.jinjava.objects.date.StrftimeFormatter;
import java.time.ZonedDateTime;
import java.util.Locale;

/** The global functions transformers gives chat templates. Public and static because Jinjava calls them reflectively. */
public final class TemplateFunctions {
    private TemplateFunctions() {}

    /** Templates call {@code raise_exception('...')} to refuse a conversation they cannot format. */
    public static String raiseException(String message) {
        throw new ChatTemplateException("chat template refused the conversation: " + message);
    }

    /** Llama 3.x templates put today's date in the system turn with {@code strftime_now("%d %b %Y")}. */
    public static String strftimeNow(String format) {
        return StrftimeFormatter.format(ZonedDateTime.now(), format, Locale.US);
    }
}
