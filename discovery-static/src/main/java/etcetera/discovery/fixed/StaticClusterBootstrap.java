package etcetera.discovery.fixed;

import etcetera.api.bootstrap.BootstrapException;
import etcetera.api.bootstrap.BootstrapRequest;
import etcetera.api.bootstrap.ClusterBootstrap;
import etcetera.api.bootstrap.InitialCluster;
import etcetera.api.bootstrap.Member;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Bootstraps a cluster from {@code --initial-cluster}, as etcd 3.4 does: the flag is parsed, this
 * member's name must be in it, its advertised peer URLs must be the ones the flag gives it
 * (checked only when forming a new cluster; host names other than {@code localhost} are
 * resolved to compare), no URL may appear twice, and the member and cluster IDs are derived from
 * the URLs and {@code --initial-cluster-token} exactly as etcd derives them. The messages are
 * etcd's. Stateless.
 *
 * <p>Settings read from {@link BootstrapRequest#settings()}: {@code initial-cluster-state}
 * ({@code new}, the default, or {@code existing}); {@code discovery} or {@code discovery-srv},
 * when non-empty, mean another strategy applies.
 */
public final class StaticClusterBootstrap implements ClusterBootstrap {

    /** Resolves a host name to an address text; the identity when it cannot be resolved. */
    private final UnaryOperator<String> resolver;

    /** The provider {@link java.util.ServiceLoader} creates: resolves names through the system resolver. */
    public StaticClusterBootstrap() {
        this(StaticClusterBootstrap::resolveWithSystem);
    }

    StaticClusterBootstrap(UnaryOperator<String> resolver) {
        this.resolver = resolver;
    }

    @Override
    public String name() {
        return "static";
    }

    @Override
    public boolean appliesTo(BootstrapRequest request) {
        return request.settings().getOrDefault("discovery", "").isEmpty()
                && request.settings().getOrDefault("discovery-srv", "").isEmpty();
    }

    @Override
    public InitialCluster resolve(BootstrapRequest request) {
        Map<String, List<String>> cluster = InitialClusterText.parse(request.initialCluster());
        String name = request.name();
        if (!cluster.containsKey(name)) {
            throw new BootstrapException("couldn't find local name \"" + name + "\" in the initial cluster configuration");
        }
        boolean joining = request.settings().getOrDefault("initial-cluster-state", "new").equals("existing");
        if (!joining) {
            checkAdvertisedUrls(name, request.advertisePeerUrls(), cluster.get(name));
        }
        checkNoDuplicateUrl(cluster);

        List<Member> members = new ArrayList<>();
        Set<Long> ids = new HashSet<>();
        cluster.forEach((memberName, urls) -> {
            long id = MemberIds.memberId(urls, request.clusterToken());
            if (id == 0) {
                throw new BootstrapException("cannot use 0 as member id");
            }
            if (!ids.add(id)) {
                throw new BootstrapException("member exists with identical ID " + Long.toHexString(id));
            }
            members.add(new Member(id, memberName, urls.stream().map(URI::create).toList(), List.of(), false));
        });
        members.sort(Comparator.comparing(Member::id, Long::compareUnsigned));
        return new InitialCluster(MemberIds.clusterId(List.copyOf(ids)), members);
    }

    /** etcd's {@code advertiseMatchesCluster}: the member's advertised peer URLs equal its entries in the flag. */
    private void checkAdvertisedUrls(String name, List<URI> advertised, List<String> inCluster) {
        List<String> advertisedText = advertised.stream().map(StaticClusterBootstrap::text).sorted().toList();
        String mismatch = mismatch(advertisedText, inCluster);
        if (mismatch == null) {
            return;
        }
        List<String> missingFromAdvertised = inCluster.stream().filter(url -> !advertisedText.contains(url)).toList();
        String advertisedJoined = String.join(",", advertisedText);
        if (!missingFromAdvertised.isEmpty()) {
            throw new BootstrapException("--initial-cluster has "
                    + String.join(",", missingFromAdvertised.stream().map(url -> name + "=" + url).toList())
                    + " but missing from --initial-advertise-peer-urls=" + advertisedJoined + " (" + mismatch + ")");
        }
        List<String> missingFromCluster = advertisedText.stream().filter(url -> !inCluster.contains(url)).toList();
        String advertisedAsCluster = InitialClusterText.describe(Map.of(name, advertisedText));
        if (!missingFromCluster.isEmpty()) {
            throw new BootstrapException("--initial-advertise-peer-urls has " + String.join(",", missingFromCluster)
                    + " but missing from --initial-cluster=" + advertisedAsCluster);
        }
        throw new BootstrapException("failed to resolve " + advertisedJoined + " to match --initial-cluster="
                + advertisedAsCluster + " (" + mismatch + ")");
    }

    /**
     * Compares two sorted URL lists as etcd's {@code URLStringsEqual}: equal texts match;
     * otherwise host names (not {@code localhost}, not IP literals, not unix sockets) are
     * resolved and the lists compared again.
     *
     * @return {@code null} if they match, else etcd's reason
     */
    private String mismatch(List<String> advertised, List<String> inCluster) {
        if (advertised.size() != inCluster.size()) {
            return "len(" + quoted(advertised) + ") != len(" + quoted(inCluster) + ")";
        }
        if (advertised.equals(inCluster)) {
            return null;
        }
        List<String> a = advertised.stream().map(this::resolved).sorted().toList();
        List<String> b = inCluster.stream().map(this::resolved).sorted().toList();
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).equals(b.get(i))) {
                return "resolved urls: \"" + a.get(i) + "\" != \"" + b.get(i) + "\"";
            }
        }
        return null;
    }

    private String resolved(String url) {
        URI uri = URI.create(url);
        String scheme = uri.getScheme();
        String authority = uri.getRawAuthority();
        String host = InitialClusterText.host(authority);
        if (scheme.startsWith("unix") || host.equals("localhost") || isIpLiteral(host)) {
            return url;
        }
        String port = authority.substring(authority.lastIndexOf(':'));
        String address = resolver.apply(host);
        String shown = address.contains(":") ? "[" + address + "]" : address;
        return scheme + "://" + shown + port;
    }

    private static boolean isIpLiteral(String host) {
        return host.contains(":") || host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    }

    private static void checkNoDuplicateUrl(Map<String, List<String>> cluster) {
        Set<String> seen = new HashSet<>();
        for (List<String> urls : cluster.values()) {
            for (String url : urls) {
                if (!seen.add(url)) {
                    throw new BootstrapException("initial cluster " + InitialClusterText.describe(cluster) + " has duplicate url");
                }
            }
        }
    }

    /** A URL in the text form etcd compares and hashes: the scheme in lower case, no trailing path. */
    private static String text(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        return scheme + "://" + url.getRawAuthority() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
    }

    private static String quoted(List<String> values) {
        return String.join(" ", values.stream().map(v -> "\"" + v + "\"").toList()).transform(s -> "[" + s + "]");
    }

    private static String resolveWithSystem(String host) {
        try {
            return InetAddress.getByName(host).getHostAddress();
        } catch (UnknownHostException e) {
            return host;
        }
    }
}
