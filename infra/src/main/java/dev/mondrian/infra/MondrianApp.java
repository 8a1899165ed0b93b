package dev.mondrian.infra;

import java.nio.file.Path;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;

/**
 * The CDK app (infra/cdk.json runs it): one stack, {@code Mondrian}, in the account and region of the AWS
 * credentials in use. Context: {@code gpuInstanceType} (default g5.xlarge) and {@code runners} (how many GPU
 * instances; default 0, until the runner package is in the releases bucket: docs/DEPLOY.md).
 */
public final class MondrianApp {
    private MondrianApp() {}

    public static void main(String[] args) {
        App app = new App();
        Path root = Path.of("..").toAbsolutePath().normalize();
        String version = System.getProperty("mondrian.version", "0.1.0-SNAPSHOT");
        Object gpu = app.getNode().tryGetContext("gpuInstanceType");
        Object runners = app.getNode().tryGetContext("runners");
        new MondrianStack(app, "Mondrian", StackProps.builder()
                .env(Environment.builder().account(System.getenv("CDK_DEFAULT_ACCOUNT"))
                        .region(System.getenv("CDK_DEFAULT_REGION")).build())
                .build(),
                new MondrianStack.Settings(root.resolve("functions/target/mondrian-functions-" + version + "-lambda.zip"),
                        root.resolve("web/static"), gpu == null ? "g5.xlarge" : gpu.toString(),
                        runners == null ? 0 : Integer.parseInt(runners.toString())));
        app.synth();
    }
}
