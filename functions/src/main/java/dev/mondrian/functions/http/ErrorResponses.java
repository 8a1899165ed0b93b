package dev.mondrian.functions.http;

import jakarta.servlet.http.HttpServletRequest;
import dev.mondrian.functions.store.StorageFailure;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

/**
 * Turns every failure into a JSON {@code {"error": ...}} body. Unexpected failures are logged
 * with the request path (which carries the job id) and reported without internals.
 */
@RestControllerAdvice
public class ErrorResponses {
    private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ApiError> api(ApiException e) {
        return error(e.status(), e.getMessage());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ApiError> unreadable(HttpMessageNotReadableException e) {
        return error(HttpStatus.BAD_REQUEST, "request body is not valid JSON of the expected shape");
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    ResponseEntity<ApiError> tooLarge(MaxUploadSizeExceededException e) {
        return error(HttpStatus.CONTENT_TOO_LARGE, "upload exceeds the size limit");
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
        Optional<StorageFailure> storage = StorageFailure.of(e);
        if (storage.isPresent()) {
            log.error("storage failure on {} {}: {}", request.getMethod(), request.getRequestURI(), e.toString());
            return error(storage.get().status(), storage.get().message());
        }
        log.error("internal failure on {} {}", request.getMethod(), request.getRequestURI(), e);
        return error(HttpStatus.INTERNAL_SERVER_ERROR, "internal error; the failure was logged");
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

    public static ResponseEntity<ApiError> error(HttpStatusCode status, String message) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(new ApiError(message));
    }
}
