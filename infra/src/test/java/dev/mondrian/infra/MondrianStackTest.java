package dev.mondrian.infra;

import static org.assertj.core.api.Assertions.assertThat;


import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The whole AWS deployment, synthesized here (no AWS account needed) from the Lambda package this build made,
 * and held to what matters: the right code and settings in each function, every route the service serves and
 * no other, private data stores, and roles that can do only what their code does.
 */
class MondrianStackTest {
    private static Template template;
    private static Map<String, Map<String, Object>> resources;

    @BeforeAll
    static void synthesize() {
        Path lambdaPackage = Path.of(System.getProperty("mondrian.lambda-package"));
        assertThat(lambdaPackage).as("the functions module packs it before these tests run").exists();
        App app = new App();
        MondrianStack stack = new MondrianStack(app, "Mondrian", StackProps.builder()
                .env(Environment.builder().account("123456789012").region("eu-west-1").build()).build(),
                new MondrianStack.Settings(lambdaPackage, Path.of("..", "web", "static"), "g5.xlarge", 2));
        template = Template.fromStack(stack);
        resources = template.toJSON() instanceof Map<?, ?> json ? cast(json.get("Resources")) : Map.of();
    }

    @Test
    void bothFunctionsRunTheServiceWithSnapStartInTheVpc() {
        for (String definition : List.of("httpApi", "webSocketApi")) {
            template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                    "Runtime", "java21",
                    "Handler", MondrianStack.HANDLER,
                    "SnapStart", Map.of("ApplyOn", "PublishedVersions"),
                    "VpcConfig", Match.anyValue(),
                    "Environment", Map.of("Variables", Match.objectLike(Map.of(
                            "SPRING_CLOUD_FUNCTION_DEFINITION", definition,
                            "MAIN_CLASS", "dev.mondrian.functions.MondrianApplication",
                            "MONDRIAN_DATABASE_URL", Match.anyValue(),
                            "MONDRIAN_DATABASE_PASSWORD", Match.anyValue(),
                            "MONDRIAN_WEBSOCKET_MANAGEMENT_ENDPOINT", Match.anyValue(),
                            "MONDRIAN_UPLOAD_BUCKET", Match.anyValue()))))));
        }
        template.resourceCountIs("AWS::Lambda::Alias", 3);
    }

    /** One $default route: httpApi finds each request's row of the route table itself, so nothing is listed twice. */
    @Test
    void theHttpApiSendsEveryRequestToHttpApiAndTheWebSocketApiToWebSocketApi() {
        List<String> deployed = resources.values().stream()
                .filter(r -> "AWS::ApiGatewayV2::Route".equals(r.get("Type")))
                .map(r -> cast(r.get("Properties")).get("RouteKey").toString()).toList();
        assertThat(deployed).containsExactlyInAnyOrder("$default", "$connect", "$disconnect", "$default");
    }

    @Test
    void aScheduleRunsTheHousekeepingEveryMinute() {
        template.hasResourceProperties("AWS::Events::Rule", Match.objectLike(Map.of(
                "ScheduleExpression", "rate(1 minute)", "State", "ENABLED")));
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "SPRING_CLOUD_FUNCTION_DEFINITION", "housekeeping",
                        "MONDRIAN_WEBHOOK_SECRET", Match.anyValue(),
                        "MONDRIAN_DATABASE_URL", Match.anyValue()))))));
        template.resourceCountIs("AWS::Events::Rule", 1);
    }

    @Test
    void theDatabaseAndTheBucketsArePrivateAndEncrypted() {
        template.hasResourceProperties("AWS::RDS::DBInstance", Match.objectLike(Map.of(
                "Engine", "postgres", "PubliclyAccessible", false, "StorageEncrypted", true, "DeletionProtection", true)));
        template.resourceCountIs("AWS::S3::Bucket", 3);
        template.allResourcesProperties("AWS::S3::Bucket", Match.objectLike(Map.of(
                "PublicAccessBlockConfiguration", Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true,
                        "IgnorePublicAcls", true, "RestrictPublicBuckets", true),
                "BucketEncryption", Match.anyValue())));
        // Two generated tokens, the webhooks' signing key, and the database's own credentials.
        template.resourceCountIs("AWS::SecretsManager::Secret", 4);
    }

    /** The page gets a config.json that points it at the WebSocket API, whose address is known only at deploy time. */
    @Test
    void thePageIsToldWhereTheLiveUpdatesAre() {
        Map<String, Object> deployment = resources.values().stream()
                .filter(r -> "Custom::CDKBucketDeployment".equals(r.get("Type"))).map(r -> cast(r.get("Properties")))
                .findFirst().map(MondrianStackTest::<Object>cast).orElseThrow();
        assertThat(castList(deployment.get("SourceMarkers"))).hasSize(2);
        assertThat(deployment.get("SourceMarkers").toString()).contains("wss://").contains("LiveUpdates").contains("/live");
    }

    @Test
    void oneOriginServesThePageAndTheApi() {
        template.hasResourceProperties("AWS::CloudFront::Distribution", Match.objectLike(Map.of(
                "DistributionConfig", Match.objectLike(Map.of(
                        "DefaultRootObject", "index.html",
                        "CacheBehaviors", List.of(Match.objectLike(Map.of("PathPattern", "/api/*",
                                "ViewerProtocolPolicy", "https-only"))))))));
    }

    @Test
    void gpuRunnersBootIntoTheRunnerService() {
        template.hasResourceProperties("AWS::EC2::LaunchTemplate", Match.objectLike(Map.of(
                "LaunchTemplateData", Match.objectLike(Map.of(
                        "InstanceType", "g5.xlarge",
                        "MetadataOptions", Match.objectLike(Map.of("HttpTokens", "required")),
                        "UserData", Match.anyValue())))));
        template.hasResourceProperties("AWS::AutoScaling::AutoScalingGroup",
                Match.objectLike(Map.of("DesiredCapacity", "2")));
        String userData = resources.values().stream().filter(r -> "AWS::EC2::LaunchTemplate".equals(r.get("Type")))
                .map(r -> r.get("Properties").toString()).findFirst().orElseThrow();
        assertThat(userData).contains("systemctl enable --now mondrian-runner").contains("MONDRIAN_DEVICE=gpu")
                .contains(MondrianStack.RUNNER_PACKAGE);
    }

    /**
     * No role of ours (the functions', the runners') may do anything to everything: every statement names its
     * actions and scoped resources. (CDK's own helper that copies the page to S3 may invalidate any CloudFront
     * path: CloudFront has no finer resource for that.)
     */
    @Test
    void rolesMayDoOnlyWhatTheirCodeDoes() {
        List<Map<String, Object>> statements = new ArrayList<>();
        resources.values().stream().filter(r -> "AWS::IAM::Policy".equals(r.get("Type")))
                .map(r -> cast(r.get("Properties")))
                .filter(p -> p.get("Roles").toString().matches(".*(HttpApiFunction|WebSocketApiFunction|RunnerRole).*"))
                .forEach(p -> statements.addAll(castList(cast(p.get("PolicyDocument")).get("Statement"))));
        assertThat(statements).isNotEmpty().allSatisfy(statement -> {
            assertThat(statement.get("Action")).as(statement.toString()).isNotEqualTo("*");
            assertThat(statement.get("Resource")).as(statement.toString()).isNotEqualTo("*");
        });
        assertThat(statements.stream().filter(s -> s.get("Action").equals("execute-api:ManageConnections")))
                .hasSize(2).allSatisfy(s -> assertThat(s.get("Resource").toString()).contains("LiveUpdates"));
        assertThat(statements.stream().filter(s -> s.get("Action").toString().contains("s3:")))
                .hasSize(5).allSatisfy(s -> assertThat(s.get("Action").toString())
                        .isIn("[s3:GetObject, s3:PutObject]", "s3:ListBucket", "s3:GetObject"));
    }

    /** The CDK runs in the node on PATH; Node 20 is past its end of life (./mondrian test puts Node 22 first). */
    @Test
    void theCdkRunsOnANodeStillSupported() throws Exception {
        Process node = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
        String version = new String(node.getInputStream().readAllBytes()).strip();
        assertThat(node.waitFor()).isZero();
        assertThat(Integer.parseInt(version.replaceAll("^v(\\d+)\\..*", "$1")))
                .as("node %s on PATH: source tools/node22.sh first", version).isGreaterThanOrEqualTo(22);
    }

    @SuppressWarnings("unchecked")
    private static <V> Map<String, V> cast(Object map) {
        return (Map<String, V>) map;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> castList(Object list) {
        return list instanceof List<?> l ? (List<Map<String, Object>>) l : List.of((Map<String, Object>) list);
    }
}
