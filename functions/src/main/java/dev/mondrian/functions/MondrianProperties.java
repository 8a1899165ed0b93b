package dev.mondrian.functions;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Every setting of the job service, bound from {@code mondrian.*} properties or the matching
 * environment variables ({@code MONDRIAN_DATA_DIR}, {@code MONDRIAN_RUNNER_TOKEN}, ...).
 */
@ConfigurationProperties("mondrian")
public record MondrianProperties(
        @DefaultValue("data") Path dataDir,
        /** JDBC URL; empty means the embedded SQLite file {@code <dataDir>/mondrian.db}. */
        @DefaultValue("") String databaseUrl,
        @DefaultValue("") String databaseUser,
        @DefaultValue("") String databasePassword,
        /** Bearer token runners present; empty means generate one into {@code <dataDir>/runner-token}. */
        @DefaultValue("") String runnerToken,
        /** Bearer token for admin operations; empty means generate one into {@code <dataDir>/admin-token}. */
        @DefaultValue("") String adminToken,
        @DefaultValue("30s") Duration leaseDuration,
        @DefaultValue("3") int maxAttempts,
        @DefaultValue("25s") Duration claimWait,
        @DefaultValue("15s") Duration heartbeatInterval,
        @DefaultValue("1024") int subscriberBuffer,
        @DefaultValue("20MB") DataSize maxUploadSize,
        @DefaultValue("40000000") long maxImagePixels,
        /**
         * AWS Lambda mode: the API Gateway WebSocket API's management endpoint
         * ({@code https://<api-id>.execute-api.<region>.amazonaws.com/<stage>}); events are pushed to its connections.
         */
        @DefaultValue("") String websocketManagementEndpoint,
        /** AWS Lambda mode: the S3 bucket clients upload images to through pre-signed URLs ({@code POST /api/uploads}). */
        @DefaultValue("") String uploadBucket,
        /** Another S3 endpoint than AWS's (an S3-compatible store; path-style addressing). */
        @DefaultValue("") String s3Endpoint,
        /** A JSON file of advisors in place of the shipped advisors.json, in its format; an advisor may name an {@code adapter}. */
        @DefaultValue("") String advisorsFile,
        /** The webhooks' signing secret, {@code whsec_<base64>}; empty means generate one into {@code <dataDir>/webhook-secret}. */
        @DefaultValue("") String webhookSecret,
        /**
         * Hosts a webhook may name although they resolve to a loopback, private or link-local address (comma-separated
         * names or addresses, as written in the URL): none by default, so the service cannot be made a proxy into
         * its own network.
         */
        @DefaultValue("") String webhookAllowedHosts,
        /** The wait before a failed delivery's first retry; each next wait doubles, up to 10 minutes. */
        @DefaultValue("5s") Duration webhookBackoff,
        /** How long a delivery is retried before it is given up. */
        @DefaultValue("24h") Duration webhookRetryFor,
        /** How long one attempt may take, connecting and answering. */
        @DefaultValue("10s") Duration webhookTimeout,
        /** Client keys: creating a job needs one, and a job may be read only with its key or a read token minted for it. */
        @DefaultValue("false") boolean clientKeys,
        /** With client keys on: jobs a key may create per minute, and may have queued or running at once (0: no limit). */
        @DefaultValue("30") int keyJobsPerMinute,
        @DefaultValue("10") int keyMaxActive,
        /** With client keys off: jobs anyone may create per minute, and queued or running at once, all together (0: no limit). */
        @DefaultValue("0") int anonymousJobsPerMinute,
        @DefaultValue("0") int anonymousMaxActive,
        /** How long a read token minted for one job lets its holder read it. */
        @DefaultValue("1h") Duration readTokenTtl,
        /** How long an ended job (its image, analysis and events) is kept; 0 keeps everything. */
        @DefaultValue("0s") Duration retention) {

    public String effectiveDatabaseUrl() {
        return databaseUrl.isBlank() ? "jdbc:sqlite:" + dataDir.resolve("mondrian.db") : databaseUrl;
    }
}
