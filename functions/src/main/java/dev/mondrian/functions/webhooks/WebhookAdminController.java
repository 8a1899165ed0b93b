package dev.mondrian.functions.webhooks;

import dev.mondrian.functions.MondrianProperties;
import dev.mondrian.functions.http.ApiException;
import dev.mondrian.functions.http.RequiresToken;
import dev.mondrian.functions.jobs.JobService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The operator's view of the webhooks' outbox: every delivery with its attempts, and sending one again. */
@RestController
@Tag(name = "webhooks", description = "Deliveries of the jobs' webhooks, for operators.")
class WebhookAdminController {
    private final WebhookRepository deliveries;
    private final long retryForMs;

    WebhookAdminController(WebhookRepository deliveries, MondrianProperties properties) {
        this.deliveries = deliveries;
        this.retryForMs = properties.webhookRetryFor().toMillis();
    }

    @Operation(operationId = "listWebhookDeliveries", summary = "The newest webhook deliveries, each with its attempts")
    @ApiResponse(responseCode = "200", description = "the deliveries, newest first")
    @ApiResponse(responseCode = "400", description = "limit out of range")
    @RequiresToken(RequiresToken.Role.ADMIN)
    @GetMapping("/api/admin/webhooks")
    List<WebhookDelivery> list(@Parameter(schema = @Schema(type = "integer", minimum = "1", maximum = "500",
            defaultValue = "50")) @RequestParam(required = false) Integer limit) {
        return deliveries.newest(JobService.listLimit(limit));
    }

    @Operation(operationId = "redeliverWebhook", summary = "Send a delivery again, now, with a fresh window of retries",
            description = "The same message (webhook-id and body) as before, so a receiver that had it can tell.")
    @ApiResponse(responseCode = "200", description = "the delivery, due now")
    @ApiResponse(responseCode = "404", description = "no delivery with this id")
    @RequiresToken(RequiresToken.Role.ADMIN)
    @PostMapping("/api/admin/webhooks/{id}/redeliver")
    WebhookDelivery redeliver(@PathVariable String id) {
        long now = System.currentTimeMillis();
        if (!deliveries.redeliver(id, now, now + retryForMs)) {
            throw ApiException.notFound("no webhook delivery with id '" + id + "'");
        }
        return deliveries.find(id).orElseThrow();
    }
}
