package dev.mondrian.infra;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.aws_apigatewayv2_integrations.WebSocketLambdaIntegration;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.WebSocketApi;
import software.amazon.awscdk.services.apigatewayv2.WebSocketRouteOptions;
import software.amazon.awscdk.services.apigatewayv2.WebSocketStage;
import software.amazon.awscdk.services.autoscaling.AutoScalingGroup;
import software.amazon.awscdk.services.cloudfront.AllowedMethods;
import software.amazon.awscdk.services.cloudfront.BehaviorOptions;
import software.amazon.awscdk.services.cloudfront.CachePolicy;
import software.amazon.awscdk.services.cloudfront.Distribution;
import software.amazon.awscdk.services.cloudfront.OriginRequestPolicy;
import software.amazon.awscdk.services.cloudfront.ViewerProtocolPolicy;
import software.amazon.awscdk.services.cloudfront.origins.HttpOrigin;
import software.amazon.awscdk.services.cloudfront.origins.S3BucketOrigin;
import software.amazon.awscdk.services.ec2.BlockDevice;
import software.amazon.awscdk.services.ec2.BlockDeviceVolume;
import software.amazon.awscdk.services.ec2.EbsDeviceVolumeType;
import software.amazon.awscdk.services.ec2.EbsDeviceOptions;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.InstanceClass;
import software.amazon.awscdk.services.ec2.InstanceSize;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.ec2.LaunchTemplate;
import software.amazon.awscdk.services.ec2.MachineImage;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.UserData;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.rds.Credentials;
import software.amazon.awscdk.services.rds.DatabaseInstance;
import software.amazon.awscdk.services.rds.DatabaseInstanceEngine;
import software.amazon.awscdk.services.rds.PostgresEngineVersion;
import software.amazon.awscdk.services.rds.PostgresInstanceEngineProps;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.CorsRule;
import software.amazon.awscdk.services.s3.HttpMethods;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.deployment.BucketDeployment;
import software.amazon.awscdk.services.s3.deployment.Source;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.constructs.Construct;

/**
 * Mondrian on AWS: the service's two Lambda functions (SnapStart) behind an HTTP API and a WebSocket API,
 * PostgreSQL on RDS, S3 for uploads and the web page, CloudFront in front of both the page and the API (one
 * origin for the browser), generated tokens in Secrets Manager, and an auto-scaling group of GPU instances
 * that run the runner as a systemd service. Each role gets only what its code does.
 */
public final class MondrianStack extends Stack {

    static final String HANDLER = "org.springframework.cloud.function.adapter.aws.FunctionInvoker::handleRequest";
    /** AWS's Deep Learning AMI (NVIDIA driver), resolved when the stack deploys. */
    static final String GPU_IMAGE = "/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id";
    /** Where the runner package goes in the releases bucket (docs/DEPLOY.md). */
    static final String RUNNER_PACKAGE = "runner/mondrian-runner.tar.gz";

    /**
     * @param lambdaPackage functions/target/mondrian-functions-*-lambda.zip
     * @param webFolder web/static
     */
    public record Settings(Path lambdaPackage, Path webFolder, String gpuInstanceType, int runners) {}

    public MondrianStack(Construct scope, String id, StackProps props, Settings settings) {
        super(scope, id, props);
        Vpc vpc = Vpc.Builder.create(this, "Network").maxAzs(2).natGateways(1)
                .subnetConfiguration(List.of(
                        SubnetConfiguration.builder().name("public").subnetType(SubnetType.PUBLIC).build(),
                        SubnetConfiguration.builder().name("service").subnetType(SubnetType.PRIVATE_WITH_EGRESS).build(),
                        SubnetConfiguration.builder().name("database").subnetType(SubnetType.PRIVATE_ISOLATED).build()))
                .build();
        vpc.addGatewayEndpoint("S3", GatewayVpcEndpointOptions.builder().service(GatewayVpcEndpointAwsService.S3).build());
        SubnetSelection servicesSubnets = SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build();

        SecurityGroup service = SecurityGroup.Builder.create(this, "ServiceSecurityGroup").vpc(vpc)
                .description("the service's Lambda functions").build();
        DatabaseInstance database = DatabaseInstance.Builder.create(this, "Database")
                .engine(DatabaseInstanceEngine.postgres(PostgresInstanceEngineProps.builder()
                        .version(PostgresEngineVersion.VER_16).build()))
                .instanceType(InstanceType.of(InstanceClass.T4G, InstanceSize.SMALL))
                .vpc(vpc).vpcSubnets(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_ISOLATED).build())
                .credentials(Credentials.fromGeneratedSecret("mondrian")).databaseName("mondrian")
                .allocatedStorage(20).storageEncrypted(true).backupRetention(Duration.days(7))
                .deletionProtection(true).removalPolicy(RemovalPolicy.SNAPSHOT)
                .build();
        database.getConnections().allowDefaultPortFrom(service, "the service's functions");

        Secret runnerToken = token("RunnerToken", "bearer token of the GPU runners");
        Secret adminToken = token("AdminToken", "bearer token of the operators");
        Secret webhookSecret = webhookSecret();

        Bucket web = privateBucket("Web");
        Bucket uploads = privateBucket("Uploads");
        Bucket releases = privateBucket("Releases");
        uploads.addLifecycleRule(LifecycleRule.builder().prefix("uploads/").expiration(Duration.days(7)).build());

        WebSocketApi live = WebSocketApi.Builder.create(this, "LiveUpdates").build();
        WebSocketStage liveStage = WebSocketStage.Builder.create(this, "LiveUpdatesStage").webSocketApi(live)
                .stageName("live").autoDeploy(true).build();

        Map<String, String> environment = new HashMap<>();
        environment.put("MAIN_CLASS", "dev.mondrian.functions.MondrianApplication");
        environment.put("MONDRIAN_DATABASE_URL", "jdbc:postgresql://" + database.getDbInstanceEndpointAddress() + ":"
                + database.getDbInstanceEndpointPort() + "/mondrian");
        environment.put("MONDRIAN_DATABASE_USER", "mondrian");
        // Resolved by CloudFormation when it deploys (a dynamic reference): never written into the template.
        environment.put("MONDRIAN_DATABASE_PASSWORD", database.getSecret().secretValueFromJson("password").unsafeUnwrap());
        environment.put("MONDRIAN_RUNNER_TOKEN", runnerToken.getSecretValue().unsafeUnwrap());
        environment.put("MONDRIAN_ADMIN_TOKEN", adminToken.getSecretValue().unsafeUnwrap());
        environment.put("MONDRIAN_WEBSOCKET_MANAGEMENT_ENDPOINT", liveStage.getCallbackUrl());
        environment.put("MONDRIAN_UPLOAD_BUCKET", uploads.getBucketName());
        environment.put("MONDRIAN_WEBHOOK_SECRET", Fn.join("", List.of("whsec_",
                webhookSecret.secretValueFromJson("key").unsafeUnwrap())));

        Alias httpFunction = function("HttpApiFunction", "httpApi", settings, environment, vpc, servicesSubnets, service);
        Alias liveFunction = function("WebSocketApiFunction", "webSocketApi", settings, environment, vpc, servicesSubnets,
                service);
        for (Alias alias : List.of(httpFunction, liveFunction)) {
            live.grantManageConnections(alias);
            // Pre-signed uploads and downloads act with these rights; listing lets a HEAD of a missing upload
            // answer 404 (nothing uploaded yet) rather than 403.
            alias.addToRolePolicy(PolicyStatement.Builder.create().actions(List.of("s3:GetObject", "s3:PutObject"))
                    .resources(List.of(uploads.arnForObjects("uploads/*"))).build());
            alias.addToRolePolicy(PolicyStatement.Builder.create().actions(List.of("s3:ListBucket"))
                    .resources(List.of(uploads.getBucketArn()))
                    .conditions(Map.of("StringLike", Map.of("s3:prefix", "uploads/*"))).build());
        }

        // One $default route: httpApi finds each request's row of the service's route table by method and path, so
        // the API lists no routes of its own that could fall behind.
        // Nothing runs between requests on Lambda: a schedule sends the webhooks' due deliveries (retries included)
        // and deletes what outlived the retention.
        Alias housekeeping = function("HousekeepingFunction", "housekeeping", settings, environment, vpc,
                servicesSubnets, service);
        Rule.Builder.create(this, "HousekeepingSchedule").schedule(Schedule.rate(Duration.minutes(1)))
                .targets(List.of(new LambdaFunction(housekeeping))).build();

        HttpApi api = HttpApi.Builder.create(this, "Api")
                .defaultIntegration(new HttpLambdaIntegration("Service", httpFunction)).build();
        WebSocketLambdaIntegration liveIntegration = new WebSocketLambdaIntegration("Live", liveFunction);
        live.addRoute("$connect", WebSocketRouteOptions.builder().integration(liveIntegration).build());
        live.addRoute("$disconnect", WebSocketRouteOptions.builder().integration(liveIntegration).build());
        live.addRoute("$default", WebSocketRouteOptions.builder().integration(liveIntegration).build());

        // The page and the API on one origin: the browser calls /api/... where it loaded the page from.
        Distribution site = Distribution.Builder.create(this, "Site")
                .defaultBehavior(BehaviorOptions.builder().origin(S3BucketOrigin.withOriginAccessControl(web))
                        .viewerProtocolPolicy(ViewerProtocolPolicy.REDIRECT_TO_HTTPS).build())
                .additionalBehaviors(Map.of("/api/*", BehaviorOptions.builder()
                        .origin(new HttpOrigin(Fn.select(2, Fn.split("/", api.getApiEndpoint()))))
                        .allowedMethods(AllowedMethods.ALLOW_ALL).cachePolicy(CachePolicy.CACHING_DISABLED)
                        .originRequestPolicy(OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER)
                        .viewerProtocolPolicy(ViewerProtocolPolicy.HTTPS_ONLY).build()))
                .defaultRootObject("index.html")
                .build();
        // config.json tells the page it is on AWS: photos go to S3 first, updates come over the WebSocket API.
        BucketDeployment.Builder.create(this, "SiteFiles").sources(List.of(Source.asset(settings.webFolder().toString()),
                        Source.jsonData("config.json", Map.of("live_updates_url", liveStage.getUrl()))))
                .destinationBucket(web).distribution(site).build();
        uploads.addCorsRule(CorsRule.builder().allowedMethods(List.of(HttpMethods.PUT))
                .allowedOrigins(List.of("https://" + site.getDistributionDomainName())).allowedHeaders(List.of("*"))
                .build());

        runners(settings, vpc, servicesSubnets, api, runnerToken, releases);

        CfnOutput.Builder.create(this, "SiteUrl").value("https://" + site.getDistributionDomainName()).build();
        CfnOutput.Builder.create(this, "ApiUrl").value(api.getApiEndpoint()).build();
        CfnOutput.Builder.create(this, "LiveUpdatesUrl").value(liveStage.getUrl()).build();
        CfnOutput.Builder.create(this, "RunnerPackage").value("s3://" + releases.getBucketName() + "/" + RUNNER_PACKAGE)
                .build();
    }

    private Secret token(String id, String description) {
        return Secret.Builder.create(this, id).description("Mondrian: " + description)
                .generateSecretString(SecretStringGenerator.builder().passwordLength(48).excludePunctuation(true).build())
                .build();
    }

    /** {@code whsec_} and 32 base64 letters: Standard Webhooks' form, the letters read as 24 bytes of key. */
    private Secret webhookSecret() {
        return Secret.Builder.create(this, "WebhookSecret").description("Mondrian: the key that signs webhook deliveries")
                .generateSecretString(SecretStringGenerator.builder().secretStringTemplate("{}").generateStringKey("key")
                        .passwordLength(32).excludePunctuation(true).build())
                .build();
    }

    private Bucket privateBucket(String id) {
        return Bucket.Builder.create(this, id).blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .encryption(BucketEncryption.S3_MANAGED).enforceSsl(true).build();
    }

    /** One of the service's functions, published with SnapStart; APIs call its {@code live} alias. */
    private Alias function(String id, String definition, Settings settings, Map<String, String> environment, Vpc vpc,
                           SubnetSelection subnets, SecurityGroup group) {
        Map<String, String> own = new HashMap<>(environment);
        own.put("SPRING_CLOUD_FUNCTION_DEFINITION", definition);
        Function function = Function.Builder.create(this, id)
                .runtime(Runtime.JAVA_21).handler(HANDLER).code(Code.fromAsset(settings.lambdaPackage().toString()))
                .memorySize(2048).timeout(Duration.seconds(30)).environment(own)
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                .vpc(vpc).vpcSubnets(subnets).securityGroups(List.of(group))
                .build();
        return Alias.Builder.create(this, id + "Live").aliasName("live").version(function.getCurrentVersion()).build();
    }

    /** GPU instances that each run one runner against the HTTP API, from the package in the releases bucket. */
    private void runners(Settings settings, Vpc vpc, SubnetSelection subnets, HttpApi api, Secret runnerToken,
                         Bucket releases) {
        Role role = Role.Builder.create(this, "RunnerRole").assumedBy(new ServicePrincipal("ec2.amazonaws.com"))
                .managedPolicies(List.of(ManagedPolicy.fromAwsManagedPolicyName("AmazonSSMManagedInstanceCore")))
                .build();
        runnerToken.grantRead(role);
        role.addToPolicy(PolicyStatement.Builder.create().actions(List.of("s3:GetObject"))
                .resources(List.of(releases.arnForObjects(RUNNER_PACKAGE))).build());

        UserData boot = UserData.forLinux();
        boot.addCommands(
                "set -euo pipefail",
                "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q openjdk-21-jre-headless",
                "useradd --system --home /opt/mondrian mondrian || true",
                "mkdir -p /opt/mondrian/runner /etc/mondrian",
                "aws s3 cp s3://" + releases.getBucketName() + "/" + RUNNER_PACKAGE + " /tmp/runner.tar.gz",
                "tar -xzf /tmp/runner.tar.gz -C /opt/mondrian/runner",
                "token=$(aws secretsmanager get-secret-value --region " + getRegion() + " --secret-id "
                        + runnerToken.getSecretArn() + " --query SecretString --output text)",
                "umask 077",
                "printf 'MONDRIAN_FUNCTIONS_URL=%s\\nMONDRIAN_RUNNER_TOKEN=%s\\nMONDRIAN_MODEL=/opt/mondrian/runner/model\\n"
                        + "MONDRIAN_DEVICE=gpu\\n' '" + api.getApiEndpoint() + "' \"$token\" > /etc/mondrian/runner.env",
                "chown mondrian /etc/mondrian/runner.env",
                "cp /opt/mondrian/runner/mondrian-runner.service /etc/systemd/system/",
                "systemctl daemon-reload && systemctl enable --now mondrian-runner");

        LaunchTemplate template = LaunchTemplate.Builder.create(this, "RunnerTemplate")
                .instanceType(new InstanceType(settings.gpuInstanceType()))
                .machineImage(MachineImage.fromSsmParameter(GPU_IMAGE))
                .userData(boot).role(role).requireImdsv2(true)
                .securityGroup(SecurityGroup.Builder.create(this, "RunnerSecurityGroup").vpc(vpc)
                        .description("GPU runners: outbound only").build())
                .blockDevices(List.of(BlockDevice.builder().deviceName("/dev/sda1").volume(BlockDeviceVolume.ebs(200,
                        EbsDeviceOptions.builder().volumeType(EbsDeviceVolumeType.GP3).encrypted(true).build())).build()))
                .build();
        AutoScalingGroup.Builder.create(this, "Runners").vpc(vpc).vpcSubnets(subnets).launchTemplate(template)
                .minCapacity(0).maxCapacity(Math.max(1, settings.runners())).desiredCapacity(settings.runners())
                .build();
    }
}
