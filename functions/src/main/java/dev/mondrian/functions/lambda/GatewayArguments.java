package dev.mondrian.functions.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.mondrian.functions.http.ApiException;
import dev.mondrian.functions.http.ErrorResponses;
import java.lang.reflect.Parameter;
import org.springframework.beans.BeanUtils;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import org.springframework.core.convert.ConversionException;
import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * A handler method's arguments taken from an API Gateway HTTP API event, by the same annotations Spring MVC binds them
 * by on a server: {@link PathVariable}, {@link RequestParam}, {@link RequestHeader} and a JSON {@link RequestBody}. A
 * handler that needs anything else (a multipart file, the servlet response of a stream) is not served on Lambda.
 */
final class GatewayArguments {
    private final JsonMapper json;

    GatewayArguments(JsonMapper json) {
        this.json = json;
    }

    /** A value in the path, query or headers (not a file part), or the JSON body. */
    static boolean canBind(Parameter parameter) {
        boolean text = parameter.isAnnotationPresent(PathVariable.class) || parameter.isAnnotationPresent(RequestParam.class)
                || parameter.isAnnotationPresent(RequestHeader.class);
        return text ? BeanUtils.isSimpleValueType(parameter.getType()) : parameter.isAnnotationPresent(RequestBody.class);
    }

    /** The arguments; {@code path} holds the path's variables, as the route's template names them. */
    Object[] bind(Parameter[] parameters, Map<String, String> path, APIGatewayV2HTTPEvent event) {
        Object[] values = new Object[parameters.length];
        for (int i = 0; i < parameters.length; i++) {
            values[i] = bind(parameters[i], path, event);
        }
        return values;
    }

    private Object bind(Parameter parameter, Map<String, String> path, APIGatewayV2HTTPEvent event) {
        if (parameter.getAnnotation(PathVariable.class) instanceof PathVariable variable) {
            String name = nameOf(variable.value(), parameter);
            return required(path, name, "the path names no " + name);
        }
        if (parameter.getAnnotation(RequestParam.class) instanceof RequestParam query) {
            String name = nameOf(query.value(), parameter);
            String value = value(event.getQueryStringParameters(), name);
            if (value == null && query.required()) {
                throw ApiException.badRequest("missing parameter '" + name + "'");
            }
            return convert(value, parameter, name);
        }
        if (parameter.getAnnotation(RequestHeader.class) instanceof RequestHeader header) {
            // HTTP API lower-cases header names.
            String value = value(event.getHeaders(), nameOf(header.value(), parameter).toLowerCase(Locale.ROOT));
            return convert(value, parameter, nameOf(header.value(), parameter));
        }
        RequestBody body = parameter.getAnnotation(RequestBody.class);
        String text = text(event);
        if (text.isBlank()) {
            if (body.required()) {
                throw ApiException.badRequest(ErrorResponses.NO_BODY);
            }
            return null;
        }
        try {
            return json.readValue(text, parameter.getType());
        } catch (JacksonException e) {
            throw ApiException.badRequest(ErrorResponses.NOT_JSON);
        }
    }

    private static String nameOf(String declared, Parameter parameter) {
        return declared.isEmpty() ? parameter.getName() : declared;
    }

    private static String required(Map<String, String> values, String name, String message) {
        String value = value(values, name);
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest(message);
        }
        return value;
    }

    private static String value(Map<String, String> values, String name) {
        return values == null ? null : values.get(name);
    }

    private static Object convert(String value, Parameter parameter, String name) {
        try {
            return DefaultConversionService.getSharedInstance().convert(value, parameter.getType());
        } catch (ConversionException e) {
            throw ApiException.badRequest("parameter '" + name + "' has the wrong type");
        }
    }

    /** API Gateway base64-encodes bodies it takes for binary. */
    private static String text(APIGatewayV2HTTPEvent event) {
        String body = event.getBody() == null ? "" : event.getBody();
        return event.getIsBase64Encoded() ? new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8) : body;
    }
}
