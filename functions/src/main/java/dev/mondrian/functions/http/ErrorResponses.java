package dev.mondrian.functions.http;

import dev.mondrian.functions.store.StorageFailure;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns every failure into a JSON {@code {"error": ...}} body. Unexpected failures are logged
 * with the request path (which carries the job id) and reported without internals.
 */
@RestControllerAdvice
public class ErrorResponses {
    private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);
    public static final String NO_BODY = "a JSON request body is required";
    public static final String NOT_JSON = "request body is not valid JSON of the expected shape";
    public static final String TOO_LARGE = "upload exceeds the size limit";

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ApiError> unreadable(HttpMessageNotReadableException e) {
        return String.valueOf(e.getMessage()).startsWith("Required request body is missing")
                ? error(HttpStatus.BAD_REQUEST, NO_BODY) : notJson();
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    ResponseEntity<ApiError> tooLarge(MaxUploadSizeExceededException e) {
        return error(HttpStatus.CONTENT_TOO_LARGE, TOO_LARGE);
    }

    @ExceptionHandler(MultipartException.class)
    ResponseEntity<ApiError> brokenMultipart(MultipartException e) {
        return error(HttpStatus.BAD_REQUEST, "request is not a readable multipart form");
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ApiError> missingParameter(MissingServletRequestParameterException e) {
        return error(HttpStatus.BAD_REQUEST, "missing parameter '" + e.getParameterName() + "'");
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ApiError> wrongType(MethodArgumentTypeMismatchException e) {
        return error(HttpStatus.BAD_REQUEST, "parameter '" + e.getName() + "' has the wrong type");
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ApiError> mediaType(HttpMediaTypeNotSupportedException e) {
        return error(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "content type " + e.getContentType() + " is not accepted here");
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ApiError> method(HttpRequestMethodNotSupportedException e) {
        return error(HttpStatus.METHOD_NOT_ALLOWED, "method " + e.getMethod() + " is not allowed here");
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ApiError> noRoute(NoResourceFoundException e) {
        return error(HttpStatus.NOT_FOUND, "no such route");
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ApiError> unexpected(Exception e, HttpServletRequest request) {
        if (request.getRequestURI().startsWith("/fn/") && isInputConversion(e)) {
            return error(HttpStatus.BAD_REQUEST, "request body is not valid JSON of the function's input");
        }
        return failure(e, request.getMethod() + " " + request.getRequestURI());
    }

    /**
     * What a handler's failure answers wherever the handler ran (a server, AWS Lambda): the contract's own refusals
     * as they are, a storage failure as its status; anything else is logged
     * with {@code where} (the route, which carries the job id) and answered without internals.
     */
    public static ResponseEntity<ApiError> failure(Exception e, String where) {
        if (e instanceof ApiException api) {
            return api.retryAfterSeconds() == null ? error(api.status(), api.getMessage())
                    : ResponseEntity.status(api.status()).header(HttpHeaders.RETRY_AFTER, api.retryAfterSeconds().toString())
                            .contentType(MediaType.APPLICATION_JSON).body(new ApiError(api.getMessage()));
        }
        Optional<StorageFailure> storage = StorageFailure.of(e);
        if (storage.isPresent()) {
            log.error("storage failure on {}: {}", where, e.toString());
            return error(storage.get().status(), storage.get().message());
        }
        log.error("internal failure on {}", where, e);
        return error(HttpStatus.INTERNAL_SERVER_ERROR, "internal error; the failure was logged");
    }

    /**
     * A caller without the credential a route needs, and nothing changed: 401 for a missing or wrong token or key;
     * for a job another key owns, the same 404 as for no job at all, so ids cannot be probed.
     */
    public static ResponseEntity<ApiError> refused(RequiresToken.Role token, Caller caller) {
        return switch (token) {
            case READER, OWNER -> error(HttpStatus.NOT_FOUND, "no job with id '" + caller.jobId() + "'");
            case CLIENT -> unauthorized("missing or unknown client key (mondrian.client-keys is on: an operator hands "
                    + "them out)");
            case RUNNER -> unauthorized("missing or wrong runner token");
            case ADMIN -> unauthorized("missing or wrong admin token");
        };
    }

    private static ResponseEntity<ApiError> unauthorized(String message) {
        return ResponseEntity.status(HttpStatus.UNAUTHORIZED).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .contentType(MediaType.APPLICATION_JSON).body(new ApiError(message));
    }

    private static ResponseEntity<ApiError> notJson() {
        return error(HttpStatus.BAD_REQUEST, NOT_JSON);
    }

    /**
     * Spring Cloud Function's web endpoint converts the body inside the invocation, and reports a body it cannot
     * convert as an IllegalStateException (or a ClassCastException for a bare JSON string), not as a bad request.
     */
    private static boolean isInputConversion(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JacksonException || t instanceof ClassCastException
                    || (t instanceof IllegalStateException && String.valueOf(t.getMessage()).startsWith("Failed to convert"))) {
                return true;
            }
        }
        return false;
    }

    /** Writes an error answer from a servlet filter, where no controller advice runs. */
    public static void write(HttpServletResponse response, ResponseEntity<ApiError> answer, JsonMapper json)
            throws IOException {
        response.setStatus(answer.getStatusCode().value());
        answer.getHeaders().forEach((name, values) -> values.forEach(value -> response.addHeader(name, value)));
        json.writeValue(response.getOutputStream(), answer.getBody());
    }

    public static ResponseEntity<ApiError> error(HttpStatusCode status, String message) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(new ApiError(message));
    }
}
