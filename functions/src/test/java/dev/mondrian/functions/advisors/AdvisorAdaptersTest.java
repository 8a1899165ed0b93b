package dev.mondrian.functions.advisors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.functions.support.Http;
import dev.mondrian.functions.support.ServiceTest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * An operator gives advisors adapters through the admin API: a choice is checked against what the runners present
 * say they hold, so an adapter that does not fit, or that no runner has, is refused when it is made (with the
 * runners' reasons) and never reaches a job; a runner is given only jobs whose adapter it holds.
 */
class AdvisorAdaptersTest extends ServiceTest {
    private static final String NOT_FITTING = "adapter /srv/adapters/wide-lora does not fit this model at "
            + "model.layers.0.self_attn.q_proj: lora_A is [8, 64], the weight takes 32 inputs";

    private Http.Response choose(String advisor, String adapter) {
        Map<String, Object> body = new HashMap<>();
        body.put("adapter", adapter);
        return http.putJson("/api/admin/advisors/" + advisor + "/adapter", ADMIN_TOKEN, body);
    }

    private JsonNode listed(String path, String token, String advisor) {
        JsonNode all = http.get(path, token).json();
        return StreamSupport.stream(all.spliterator(), false).filter(a -> a.get("id").asString().equals(advisor))
                .findFirst().orElseThrow();
    }

    private String create(String advisor) {
        Http.Response created = http.postJson("/api/jobs", null, Map.of("prompt", "for " + advisor, "advisor", advisor));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("job_id").asString();
    }

    @Test
    void aChoiceIsCheckedAgainstTheRunnersPresentAndRefusedWithTheirReasons() {
        assertThat(runner.claimAs("runner-okeefe", List.of("okeefe-lora"), Map.of("wide-lora", NOT_FITTING), 0)
                .status()).isEqualTo(204);
        assertThat(runner.claimAs("runner-plain", List.of(), Map.of(), 0).status()).isEqualTo(204);

        assertThat(http.putJson("/api/admin/advisors/okeefe/adapter", null, Map.of("adapter", "okeefe-lora")).status())
                .isEqualTo(401);
        Http.Response chosen = choose("okeefe", "okeefe-lora");
        assertThat(chosen.status()).as(chosen.body()).isEqualTo(200);
        assertThat(chosen.json().get("adapter").asString()).isEqualTo("okeefe-lora");
        assertThat(chosen.json().get("chosen").asBoolean()).isTrue();
        assertThat(chosen.json().get("runners").toString()).isEqualTo("[\"runner-okeefe\"]");
        assertThat(chosen.json().get("problem").isNull()).isTrue();
        assertThat(listed("/api/advisors", null, "okeefe").get("adapter").asString()).as("the public list says so")
                .isEqualTo("okeefe-lora");

        Http.Response unfit = choose("cartier", "wide-lora");
        assertThat(unfit.status()).isEqualTo(409);
        assertThat(unfit.error()).isEqualTo("adapter 'wide-lora' cannot be used: runner runner-okeefe: " + NOT_FITTING);
        Http.Response absent = choose("cartier", "missing-lora");
        assertThat(absent.status()).isEqualTo(409);
        assertThat(absent.error()).contains("no runner present holds adapter 'missing-lora'")
                .contains("runner runner-okeefe holds okeefe-lora").contains("runner runner-plain holds none");
        assertThat(listed("/api/advisors", null, "cartier").get("adapter").isNull()).as("nothing refused is stored")
                .isTrue();
        assertThat(choose("cartier", "../elsewhere").status()).isEqualTo(400);
        Http.Response nobody = choose("nobody", "okeefe-lora");
        assertThat(nobody.status()).isEqualTo(404);
        assertThat(nobody.error()).contains("no advisor 'nobody'").contains("ansel");

        JsonNode admin = listed("/api/admin/advisors", ADMIN_TOKEN, "okeefe");
        assertThat(admin.get("file_adapter").isNull()).isTrue();
        assertThat(admin.get("runners").toString()).isEqualTo("[\"runner-okeefe\"]");
        assertThat(http.get("/api/admin/advisors", null).status()).isEqualTo(401);

        Http.Response none = choose("okeefe", null);
        assertThat(none.status()).isEqualTo(200);
        assertThat(none.json().get("adapter").isNull()).isTrue();
        assertThat(none.json().get("chosen").asBoolean()).isTrue();
        Http.Response reset = http.delete("/api/admin/advisors/okeefe/adapter", ADMIN_TOKEN);
        assertThat(reset.status()).isEqualTo(200);
        assertThat(reset.json().get("chosen").asBoolean()).isFalse();
    }

    @Test
    void aRunnerIsGivenOnlyJobsWhoseAdapterItHolds() {
        runner.claimAs("runner-ansel", List.of("ansel-lora"), Map.of(), 0);
        assertThat(choose("ansel", "ansel-lora").status()).isEqualTo(200);
        try {
            String adapted = create("ansel");
            String plain = create("mondrian");

            Http.Response withoutAdapter = runner.claimAs("runner-bare", List.of(), Map.of(), 2000);
            assertThat(withoutAdapter.status()).isEqualTo(200);
            assertThat(withoutAdapter.json().get("job_id").asString()).as("the older job needs an adapter it lacks")
                    .isEqualTo(plain);
            assertThat(runner.claimAs("runner-bare", List.of(), Map.of(), 0).status()).as("nothing else for it")
                    .isEqualTo(204);

            Http.Response holder = runner.claimAs("runner-ansel", List.of("ansel-lora"), Map.of(), 2000);
            assertThat(holder.status()).isEqualTo(200);
            assertThat(holder.json().get("job_id").asString()).isEqualTo(adapted);
            assertThat(holder.json().get("advisor").get("adapter").asString()).isEqualTo("ansel-lora");

            String another = create("ansel");
            assertThat(runner.claim(2000).jobId()).as("a runner that does not say what it holds takes any job")
                    .isEqualTo(another);
        } finally {
            http.delete("/api/admin/advisors/ansel/adapter", ADMIN_TOKEN);
        }
    }

    @Test
    void withNoRunnerPresentTheChoiceCannotBeCheckedAndSaysSo() {
        assertThat(AdvisorAdminController.problem("ansel-lora", List.of())).isEqualTo("no runner is present (none "
                + "claimed work in the last 5 minutes) to check adapter 'ansel-lora' against its model; start a runner "
                + "whose --adapters folder holds ansel-lora, then choose it");
    }
}
