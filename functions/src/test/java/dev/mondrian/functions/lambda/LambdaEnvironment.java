package dev.mondrian.functions.lambda;

import dev.mondrian.functions.MondrianApplication;
import dev.mondrian.functions.support.ServiceTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;

/**
 * What a Lambda function of the service starts with, as system properties (the adapter reads them where Lambda
 * has environment variables): the application class, a fresh SQLite data folder, the tokens, AWS credentials to
 * sign requests with, and the test's own settings. {@link #close} takes them all back.
 */
final class LambdaEnvironment implements AutoCloseable {
    private final List<String> names = new ArrayList<>();
    private final Path dataDir;

    LambdaEnvironment(Map<String, String> settings) throws IOException {
        dataDir = Files.createTempDirectory("mondrian-lambda-");
        set("MAIN_CLASS", MondrianApplication.class.getName());
        set("mondrian.data-dir", dataDir.toString());
        set("mondrian.runner-token", ServiceTest.RUNNER_TOKEN);
        set("mondrian.admin-token", ServiceTest.ADMIN_TOKEN);
        set("aws.region", "eu-west-1");
        set("aws.accessKeyId", "AKIDEXAMPLE");
        set("aws.secretAccessKey", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        settings.forEach(this::set);
    }

    Path dataDir() {
        return dataDir;
    }

    /** The real handler running one function; it starts the application itself. */
    FunctionInvoker handler(String function) {
        set("spring.cloud.function.definition", function);
        return new FunctionInvoker();
    }

    private void set(String name, String value) {
        System.setProperty(name, value);
        names.add(name);
    }

    @Override
    public void close() {
        names.forEach(System::clearProperty);
    }
}
