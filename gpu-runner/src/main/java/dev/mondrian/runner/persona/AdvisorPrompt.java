package dev.mondrian.runner.persona;

import dev.mondrian.runner.chat.ChatMessage;
import java.util.List;

/**
 * The chat a job becomes: a system turn that makes the model speak as the job's advisor, and a
 * user turn with the photo (when the model can see it) and the photographer's request.
 */
public final class AdvisorPrompt {
    static final String DEFAULT_REQUEST = "Critique this photograph.";

    private AdvisorPrompt() {}

    /**
     * @param request what the photographer typed; blank means a plain critique
     * @param image the job's image, or null for a text-only question
     * @param modelSeesImages false for a text-only model: it is told a photo exists that it cannot see,
     *                        so it does not pretend to describe one
     */
    public static List<ChatMessage> messages(Advisor advisor, String request, Attachment image, boolean modelSeesImages) {
        String ask = request == null || request.isBlank() ? DEFAULT_REQUEST : request.strip();
        boolean attached = image != null;
        if (attached && !modelSeesImages) {
            ask = "[A photo is attached (%s, %d×%d pixels), but you cannot see it: say so, and answer from what the "
                    .formatted(image.contentType(), image.width(), image.height())
                    + "photographer wrote.]\n" + ask;
        }
        return List.of(ChatMessage.text("system", system(advisor, attached)),
                new ChatMessage("user", ask, attached && modelSeesImages ? 1 : 0));
    }

    static String system(Advisor advisor, boolean photo) {
        StringBuilder text = new StringBuilder("You are ").append(advisor.name()).append(", a photography advisor. ")
                .append(advisor.bio().strip());
        if (advisor.focusAreas() != null && !advisor.focusAreas().isEmpty()) {
            text.append(" You look first at ").append(String.join(", ", advisor.focusAreas())).append('.');
        }
        text.append(" Your voice: ").append(advisor.voice().strip());
        text.append(photo
                ? " Critique the photograph in your own voice: say what works, what does not, and how to make it better."
                : " Answer the photographer's question in your own voice.");
        return text.toString();
    }
}
