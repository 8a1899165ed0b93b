package dev.mondrian.functions.webhooks;

import dev.mondrian.functions.MondrianProperties;
import dev.mondrian.functions.http.ApiException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Where a webhook may point: an http or https URL whose host resolves only to public addresses, so that nobody can
 * make the service call into its own network (loopback, private ranges, link-local and the cloud metadata address,
 * unique-local IPv6, carrier-grade NAT). Checked when the job is created and again before every attempt, since a name
 * may resolve differently later; {@code mondrian.webhook-allowed-hosts} lets an operator name hosts that are exempt.
 */
@Component
public class WebhookTargets {
    private static final int MAX_LENGTH = 2000;

    private final Set<String> allowed;

    public WebhookTargets(MondrianProperties properties) {
        this.allowed = Arrays.stream(properties.webhookAllowedHosts().split(",")).map(String::strip)
                .filter(host -> !host.isEmpty()).map(host -> host.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    /** The URL, if a webhook may be sent there; otherwise a 400 whose message says why. */
    public URI check(String url) {
        if (url.length() > MAX_LENGTH) {
            throw refused("is longer than " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw refused("is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw refused("must be an http or https URL");
        }
        String host = uri.getHost();
        if (host == null || host.isBlank()) {
            throw refused("names no host");
        }
        if (uri.getRawUserInfo() != null) {
            throw refused("must not carry a user name or password");
        }
        if (allowed.contains(host.toLowerCase(Locale.ROOT))) {
            return uri;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw refused("names a host that does not resolve: " + host);
        }
        for (InetAddress address : addresses) {
            String range = internal(address);
            if (range != null) {
                throw refused("resolves to " + address.getHostAddress() + ", a " + range
                        + " address; webhooks go only to public addresses (an operator may allow a host: "
                        + "mondrian.webhook-allowed-hosts)");
            }
        }
        return uri;
    }

    /** The kind of internal address this is, or null for a public one. */
    static String internal(InetAddress address) {
        if (address.isLoopbackAddress()) {
            return "loopback";
        }
        if (address.isAnyLocalAddress()) {
            return "wildcard";
        }
        if (address.isLinkLocalAddress()) {
            return "link-local (cloud metadata)";
        }
        if (address.isSiteLocalAddress()) {
            return "private";
        }
        if (address.isMulticastAddress()) {
            return "multicast";
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            if (first == 0) {
                return "this-network";
            }
            if (first == 100 && second >= 64 && second < 128) {
                return "carrier-grade NAT";
            }
            if (first == 198 && (second == 18 || second == 19)) {
                return "benchmarking";
            }
            if (first >= 240) {
                return "reserved";
            }
        }
        if (address instanceof Inet6Address && (b[0] & 0xfe) == 0xfc) {
            return "unique-local";
        }
        return null;
    }

    private static ApiException refused(String why) {
        return ApiException.badRequest("webhook " + why);
    }
}
