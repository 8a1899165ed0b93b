package dev.mondrian.functions.uploads;

import dev.mondrian.functions.MondrianProperties;
import dev.mondrian.functions.http.ApiException;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Images that reach the service through S3 (AWS Lambda mode, where a request body is limited to 6 MB): a client
 * asks for a pre-signed upload URL, PUTs the image there, and names the key when it creates the job; the
 * service reads the object once to check it and keep it with the job, and runners download it from S3
 * through pre-signed URLs of their own.
 */
@Component
@ConditionalOnProperty(name = "mondrian.upload-bucket")
public class S3Uploads {
    public static final String NOT_CONFIGURED = "uploads through S3 are not configured here (mondrian.upload-bucket)";
    private static final Duration WINDOW = Duration.ofMinutes(15);
    private static final String PREFIX = "uploads/";
    private static final Pattern KEY = Pattern.compile(Pattern.quote(PREFIX) + "[0-9a-f]{32}");

    /** Where and how to upload one image. */
    public record Upload(String imageKey, String uploadUrl, String method, long expiresAt, long maxBytes) {}

    /** What a client asks for. */
    public record UploadRequest(Long size) {}

    private final String bucket;
    private final long maxBytes;
    private final S3Client s3;
    private final S3Presigner presigner;

    public S3Uploads(MondrianProperties properties) {
        this.bucket = properties.uploadBucket();
        this.maxBytes = properties.maxUploadSize().toBytes();
        var client = S3Client.builder().httpClient(UrlConnectionHttpClient.create());
        var presign = S3Presigner.builder();
        if (!properties.s3Endpoint().isBlank()) {
            URI endpoint = URI.create(properties.s3Endpoint());
            client.endpointOverride(endpoint).forcePathStyle(true);
            presign.endpointOverride(endpoint)
                    .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build());
        }
        this.s3 = client.build();
        this.presigner = presign.build();
    }

    /**
     * A place for one image of {@code size} bytes. The size is part of the signature, so S3 refuses a body of
     * any other length: nobody can park a larger file in the bucket with it.
     */
    public Upload newUpload(Long size) {
        if (size == null || size <= 0) {
            throw ApiException.badRequest("say the image's size in bytes: {\"size\": <bytes>}");
        }
        if (size > maxBytes) {
            throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, "the image is " + size + " bytes; the limit is " + maxBytes);
        }
        String key = PREFIX + UUID.randomUUID().toString().replace("-", "");
        var presigned = presigner.presignPutObject(p -> p.signatureDuration(WINDOW)
                .putObjectRequest(o -> o.bucket(bucket).key(key).contentLength(size)));
        return new Upload(key, presigned.url().toString(), "PUT", presigned.expiration().toEpochMilli(), maxBytes);
    }

    /** The uploaded image's bytes; a 4xx when the key is not one this service handed out or nothing is there. */
    public byte[] read(String key) {
        if (!KEY.matcher(key).matches()) {
            throw ApiException.badRequest("image_key is not one that POST /api/uploads handed out");
        }
        try {
            long size = s3.headObject(h -> h.bucket(bucket).key(key)).contentLength();
            if (size > maxBytes) {
                throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, "the uploaded image is " + size
                        + " bytes; the limit is " + maxBytes);
            }
            return s3.getObjectAsBytes(g -> g.bucket(bucket).key(key)).asByteArray();
        } catch (NoSuchKeyException e) {
            throw nothingUploaded();
        } catch (S3Exception e) {
            if (e.statusCode() == HttpStatus.NOT_FOUND.value()) {
                throw nothingUploaded(); // HEAD answers a bare 404, without an error code
            }
            throw e;
        }
    }

    /** A URL a runner downloads the image from, without the service's tokens. */
    public String downloadUrl(String key) {
        return presigner.presignGetObject(p -> p.signatureDuration(WINDOW)
                .getObjectRequest(g -> g.bucket(bucket).key(key))).url().toString();
    }

    private static ApiException nothingUploaded() {
        return ApiException.badRequest("nothing was uploaded to image_key: PUT the image to its upload_url first");
    }
}
