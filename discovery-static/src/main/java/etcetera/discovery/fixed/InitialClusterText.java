package etcetera.discovery.fixed;

import etcetera.api.bootstrap.BootstrapException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads {@code --initial-cluster} ({@code name=url,name=url2,...}) as etcd 3.4 does: entries
 * split on commas, empty entries skipped, the name is what precedes the first {@code =}, a name
 * may appear several times to give a member several peer URLs, and every URL must be an
 * {@code http}, {@code https}, {@code unix} or {@code unixs} URL of the form
 * {@code scheme://host:port} without a path. Each member's URLs are kept sorted, in the textual
 * form etcd hashes into member IDs. Stateless.
 */
final class InitialClusterText {

    private static final Set<String> SCHEMES = Set.of("http", "https", "unix", "unixs");

    private InitialClusterText() {
    }

    /**
     * Parses the flag value.
     *
     * @return peer URLs by member name, in order of first appearance, each list sorted
     * @throws BootstrapException with etcd's message for a malformed URL
     */
    static Map<String, List<String>> parse(String initialCluster) {
        Map<String, List<String>> raw = new LinkedHashMap<>();
        for (String entry : initialCluster.split(",", -1)) {
            if (entry.isEmpty()) {
                continue;
            }
            int eq = entry.indexOf('=');
            String name = eq < 0 ? entry : entry.substring(0, eq);
            String url = eq < 0 ? "" : entry.substring(eq + 1);
            raw.computeIfAbsent(name, n -> new ArrayList<>()).add(url);
        }
        Map<String, List<String>> members = new LinkedHashMap<>();
        raw.forEach((name, urls) -> {
            List<String> canonical = new ArrayList<>();
            for (String url : urls) {
                canonical.add(canonical(url.strip()));
            }
            canonical.sort(null);
            members.put(name, List.copyOf(canonical));
        });
        return members;
    }

    /** {@code name=url} for every URL, sorted, comma-joined: etcd's way of printing a cluster in messages. */
    static String describe(Map<String, List<String>> members) {
        TreeSet<String> pairs = new TreeSet<>();
        members.forEach((name, urls) -> urls.forEach(url -> pairs.add(name + "=" + url)));
        return String.join(",", pairs);
    }

    /**
     * Checks a URL with etcd's rules and returns the text etcd would hash for it (Go's
     * {@code url.URL.String()}: the scheme in lower case, the rest as written).
     */
    static String canonical(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw failure("parse \"" + url + "\": " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!SCHEMES.contains(scheme)) {
            throw failure("URL scheme must be http, https, unix, or unixs: " + url);
        }
        String authority = uri.getRawAuthority();
        if (authority == null || !hasHostPortForm(authority.substring(authority.lastIndexOf('@') + 1))) {
            throw failure("URL address does not have the form \"host:port\": " + url);
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty()) {
            throw failure("URL must not contain a path: " + url);
        }
        return scheme + "://" + authority + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    /** The {@code host:port} shape Go's {@code net.SplitHostPort} accepts; the port may be empty. */
    static boolean hasHostPortForm(String hostPort) {
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            return close > 0 && hostPort.startsWith(":", close + 1);
        }
        int colon = hostPort.indexOf(':');
        return colon >= 0 && colon == hostPort.lastIndexOf(':');
    }

    /** The host of a {@code host:port} authority, without IPv6 brackets. */
    static String host(String authority) {
        String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
        if (hostPort.startsWith("[")) {
            return hostPort.substring(1, hostPort.indexOf(']'));
        }
        return hostPort.substring(0, hostPort.lastIndexOf(':'));
    }

    private static BootstrapException failure(String why) {
        return new BootstrapException("error setting up initial cluster: " + why);
    }
}
