package dev.mondrian.functions.uploads;

import dev.mondrian.functions.http.ApiException;
import dev.mondrian.functions.http.RequiresToken;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/uploads}: where to put a job's image first when requests are too small for it (AWS Lambda). */
@RestController
@Tag(name = "jobs")
class UploadController {
    private final Optional<S3Uploads> uploads;

    UploadController(Optional<S3Uploads> uploads) {
        this.uploads = uploads;
    }

    @Operation(operationId = "createUpload", summary = "A pre-signed S3 upload for one image, to name as image_key",
            description = "Served where mondrian.upload-bucket is set. PUT exactly size bytes to upload_url within 15 "
                    + "minutes, then create the job with JSON naming image_key.")
    @ApiResponse(responseCode = "201", description = "where and how to upload")
    @ApiResponse(responseCode = "400", description = "size missing, not positive, or not JSON")
    @ApiResponse(responseCode = "404", description = "uploads through S3 are not configured here")
    @ApiResponse(responseCode = "413", description = "size is over mondrian.max-upload-size")
    @RequiresToken(RequiresToken.Role.CLIENT)
    @PostMapping(path = "/api/uploads", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<S3Uploads.Upload> create(@RequestBody S3Uploads.UploadRequest request) {
        S3Uploads s3 = uploads.orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, S3Uploads.NOT_CONFIGURED));
        return ResponseEntity.status(HttpStatus.CREATED).body(s3.newUpload(request.size()));
    }
}
