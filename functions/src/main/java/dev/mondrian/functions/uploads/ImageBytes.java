package dev.mondrian.functions.uploads;

import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The document's entry for a route that answers a job's image as uploaded: written once for every such route. */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ApiResponse(responseCode = "200", description = "the image's bytes, with its type",
        content = {@Content(mediaType = "image/jpeg", schema = @Schema(type = "string", format = "binary")),
                   @Content(mediaType = "image/png", schema = @Schema(type = "string", format = "binary")),
                   @Content(mediaType = "image/gif", schema = @Schema(type = "string", format = "binary")),
                   @Content(mediaType = "image/bmp", schema = @Schema(type = "string", format = "binary"))})
public @interface ImageBytes {}
