package dev.mondrian.runner.persona;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.runner.chat.ChatMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdvisorPromptTest {
    private static final Advisor HENRI = new Advisor("cartier", "Henri", "A street photographer.",
            List.of("composition", "horizon"), "Brisk and observant.", null);
    private static final Attachment PHOTO = new Attachment("image/jpeg", 4000, 3000);

    @Test
    void theSystemTurnSpeaksAsTheAdvisorAndTheUserTurnCarriesThePhoto() {
        List<ChatMessage> chat = AdvisorPrompt.messages(HENRI, "  Is the horizon straight? ", PHOTO, true);
        assertThat(chat).extracting(ChatMessage::role).containsExactly("system", "user");
        assertThat(chat.getFirst().text()).startsWith("You are Henri, a photography advisor. A street photographer.")
                .contains("composition, horizon").contains("Brisk and observant.").contains("Critique the photograph");
        assertThat(chat.get(1)).isEqualTo(new ChatMessage("user", "Is the horizon straight?", 1));
    }

    @Test
    void aBlankRequestAsksForACritique() {
        assertThat(AdvisorPrompt.messages(HENRI, " ", PHOTO, true).get(1).text()).isEqualTo(AdvisorPrompt.DEFAULT_REQUEST);
        assertThat(AdvisorPrompt.messages(HENRI, null, PHOTO, true).get(1).text()).isEqualTo(AdvisorPrompt.DEFAULT_REQUEST);
    }

    @Test
    void aTextOnlyModelIsToldOfThePhotoItCannotSee() {
        ChatMessage user = AdvisorPrompt.messages(HENRI, "Thoughts?", PHOTO, false).get(1);
        assertThat(user.images()).isZero();
        assertThat(user.text()).contains("image/jpeg, 4000×3000").contains("cannot see it").endsWith("Thoughts?");
    }

    @Test
    void aQuestionWithoutAPhotoIsAnsweredNotCritiqued() {
        List<ChatMessage> chat = AdvisorPrompt.messages(HENRI, "Which lens for street work?", null, true);
        assertThat(chat.getFirst().text()).contains("Answer the photographer's question").doesNotContain("Critique");
        assertThat(chat.get(1)).isEqualTo(new ChatMessage("user", "Which lens for street work?", 0));
    }
}
