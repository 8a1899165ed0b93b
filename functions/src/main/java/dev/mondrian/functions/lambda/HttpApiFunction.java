package dev.mondrian.functions.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import java.util.function.Function;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * {@code httpApi}: the function an AWS Lambda behind an API Gateway HTTP API runs, through Spring Cloud
 * Function's AWS adapter (handler {@code org.springframework.cloud.function.adapter.aws.FunctionInvoker},
 * {@code SPRING_CLOUD_FUNCTION_DEFINITION=httpApi}, {@code MAIN_CLASS=dev.mondrian.functions.MondrianApplication}).
 */
@Configuration(proxyBeanMethods = false)
class HttpApiFunction {
    @Bean
    Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> httpApi(HttpApiRoutes routes) {
        return routes::handle;
    }

    /**
     * The adapter writes the response with the application's mapper, whose snake_case names suit the contract's
     * bodies but not API Gateway, which reads {@code statusCode} and {@code isBase64Encoded} (and answers 500
     * to {@code status_code}). AWS's response type keeps AWS's names.
     */
    @Bean
    JsonMapperBuilderCustomizer awsResponseNames() {
        return builder -> builder.addMixIn(APIGatewayV2HTTPResponse.class, AwsNames.class)
                .addMixIn(APIGatewayV2WebSocketResponse.class, AwsNames.class);
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    private interface AwsNames {}
}
