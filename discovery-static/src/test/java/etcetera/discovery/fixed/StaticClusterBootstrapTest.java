package etcetera.discovery.fixed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import etcetera.api.bootstrap.BootstrapException;
import etcetera.api.bootstrap.BootstrapRequest;
import etcetera.api.bootstrap.ClusterBootstrap;
import etcetera.api.bootstrap.InitialCluster;
import etcetera.api.bootstrap.Member;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StaticClusterBootstrapTest {

    private final StaticClusterBootstrap bootstrap = new StaticClusterBootstrap(host -> host.equals("peer1.example") ? "10.0.0.1" : host);

    static BootstrapRequest request(String name, String advertised, String initialCluster, String token) {
        return request(name, advertised, initialCluster, token, Map.of());
    }

    static BootstrapRequest request(String name, String advertised, String initialCluster, String token, Map<String, String> settings) {
        List<URI> urls = Arrays.stream(advertised.split(",")).map(URI::create).toList();
        return new BootstrapRequest(name, urls, initialCluster, token, settings);
    }

    private String failure(BootstrapRequest request) {
        return assertThrows(BootstrapException.class, () -> bootstrap.resolve(request)).getMessage();
    }

    @Test
    void etcdsDefaultsGiveEtcdsWellKnownIds() {
        InitialCluster cluster = bootstrap.resolve(request("default", "http://localhost:2380", "default=http://localhost:2380", "etcd-cluster"));
        assertEquals("cdf818194e3a8c32", Long.toHexString(cluster.clusterId()));
        assertEquals(List.of(new Member(0x8e9e05c52164694dL, "default", List.of(URI.create("http://localhost:2380")), List.of(), false)),
                cluster.members());
    }

    @Test
    void idsEqualThoseEtcdLoggedForAThreeMemberClusterWithTwoUrlsOnOneMember() {
        // Recorded from /usr/bin/etcd 3.4.23 started with these flags ("added member ... to cluster ..." lines).
        InitialCluster cluster = bootstrap.resolve(request("n1", "http://127.0.0.1:23806,http://127.0.0.1:23805",
                "n1=http://127.0.0.1:23805,n1=http://127.0.0.1:23806,n2=http://127.0.0.1:23807,n3=http://127.0.0.1:23808", "tok-1"));
        assertEquals("aeba4560cc75237", Long.toHexString(cluster.clusterId()));
        assertEquals(List.of("747112b2b9decc64", "bdcc356694042ff7", "c7192e94380d32a3"),
                cluster.members().stream().map(m -> Long.toHexString(m.id())).toList());
        assertEquals(List.of("n1", "n2", "n3"), cluster.members().stream().map(Member::name).toList());
        assertEquals(List.of(URI.create("http://127.0.0.1:23805"), URI.create("http://127.0.0.1:23806")),
                ClusterBootstrap.member(cluster, "n1").orElseThrow().peerUrls());
    }

    @Test
    void urlOrderAndSpacesInTheFlagDoNotChangeIds() {
        InitialCluster a = bootstrap.resolve(request("a", "http://127.0.0.1:1,http://127.0.0.1:2",
                "a=http://127.0.0.1:2,b=http://127.0.0.1:3,a=http://127.0.0.1:1", "t"));
        InitialCluster b = bootstrap.resolve(request("a", "http://127.0.0.1:2,http://127.0.0.1:1",
                "b= http://127.0.0.1:3,a=http://127.0.0.1:1,,a=http://127.0.0.1:2", "t"));
        assertEquals(a, b);
    }

    @Test
    void tokenChangesEveryId() {
        InitialCluster a = bootstrap.resolve(request("a", "http://127.0.0.1:1", "a=http://127.0.0.1:1", "one"));
        InitialCluster b = bootstrap.resolve(request("a", "http://127.0.0.1:1", "a=http://127.0.0.1:1", "two"));
        assertFalse(a.clusterId() == b.clusterId());
        assertFalse(a.members().getFirst().id() == b.members().getFirst().id());
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "x|http://127.0.0.1:1|a=http://127.0.0.1:1|couldn't find local name \"x\" in the initial cluster configuration",
        "a|http://127.0.0.1:1|''|couldn't find local name \"a\" in the initial cluster configuration",
        "a|http://127.0.0.1:2|a=http://127.0.0.1:1|--initial-cluster has a=http://127.0.0.1:1 but missing from --initial-advertise-peer-urls=http://127.0.0.1:2 (resolved urls: \"http://127.0.0.1:2\" != \"http://127.0.0.1:1\")",
        "a|http://127.0.0.1:1,http://127.0.0.1:2|a=http://127.0.0.1:1|--initial-advertise-peer-urls has http://127.0.0.1:2 but missing from --initial-cluster=a=http://127.0.0.1:1,a=http://127.0.0.1:2",
        "a|http://127.0.0.1:1|a=http://127.0.0.1:1,a=http://127.0.0.1:2|--initial-cluster has a=http://127.0.0.1:2 but missing from --initial-advertise-peer-urls=http://127.0.0.1:1 (len([\"http://127.0.0.1:1\"]) != len([\"http://127.0.0.1:1\" \"http://127.0.0.1:2\"]))",
        "a|http://localhost:1|a=http://127.0.0.1:1|--initial-cluster has a=http://127.0.0.1:1 but missing from --initial-advertise-peer-urls=http://localhost:1 (resolved urls: \"http://localhost:1\" != \"http://127.0.0.1:1\")",
        "a|http://127.0.0.1:1|a=http://127.0.0.1:1,b=http://127.0.0.1:1|initial cluster a=http://127.0.0.1:1,b=http://127.0.0.1:1 has duplicate url",
        "a|http://127.0.0.1:1|a=http://127.0.0.1:1,b|'error setting up initial cluster: URL scheme must be http, https, unix, or unixs: '",
        "a|http://127.0.0.1:1|a=http://127.0.0.1:1,b=ftp://x:1|error setting up initial cluster: URL scheme must be http, https, unix, or unixs: ftp://x:1",
        "a|http://127.0.0.1:1|a=http://127.0.0.1:1,b=http://x|error setting up initial cluster: URL address does not have the form \"host:port\": http://x",
        "a|http://127.0.0.1:1|a=http://127.0.0.1:1,b=http://x:1/p|error setting up initial cluster: URL must not contain a path: http://x:1/p",
    })
    void rejectedWithEtcdsMessage(String name, String advertised, String initialCluster, String message) {
        assertEquals(message, failure(request(name, advertised, initialCluster, "t")));
    }

    @Test
    void hostNamesAreResolvedBeforeComparing() {
        InitialCluster cluster = bootstrap.resolve(request("a", "http://peer1.example:2380", "a=http://10.0.0.1:2380", "t"));
        assertEquals(List.of(URI.create("http://10.0.0.1:2380")), cluster.members().getFirst().peerUrls());
    }

    @Test
    void joiningAnExistingClusterDoesNotCompareAdvertisedUrls() {
        InitialCluster cluster = bootstrap.resolve(request("a", "http://127.0.0.1:9", "a=http://127.0.0.1:1,b=http://127.0.0.1:2", "t",
                Map.of("initial-cluster-state", "existing")));
        assertEquals(2, cluster.members().size());
        assertEquals("initial cluster a=http://127.0.0.1:1,b=http://127.0.0.1:1 has duplicate url",
                failure(request("a", "http://127.0.0.1:9", "a=http://127.0.0.1:1,b=http://127.0.0.1:1", "t",
                        Map.of("initial-cluster-state", "existing"))));
    }

    @Test
    void emptyNameIsAMemberAsInEtcd() {
        InitialCluster cluster = bootstrap.resolve(request("a", "http://127.0.0.1:1", "a=http://127.0.0.1:1,=http://127.0.0.1:2", "t"));
        assertEquals(List.of("", "a").stream().sorted().toList(), cluster.members().stream().map(Member::name).sorted().toList());
    }

    @Test
    void appliesUnlessAnotherDiscoveryIsAskedFor() {
        assertTrue(bootstrap.appliesTo(request("a", "http://127.0.0.1:1", "a=http://127.0.0.1:1", "t")));
        assertTrue(bootstrap.appliesTo(request("a", "http://127.0.0.1:1", "a=http://127.0.0.1:1", "t", Map.of("discovery", ""))));
        assertFalse(bootstrap.appliesTo(request("a", "http://127.0.0.1:1", "", "t", Map.of("discovery", "https://d.example/x"))));
        assertFalse(bootstrap.appliesTo(request("a", "http://127.0.0.1:1", "", "t", Map.of("discovery-srv", "example.com"))));
    }

    @Test
    void isDeclaredAsAServiceProvider() {
        var descriptor = StaticClusterBootstrap.class.getModule().getDescriptor();
        assertTrue(descriptor.provides().stream().anyMatch(p -> p.service().equals(ClusterBootstrap.class.getName())
                && p.providers().contains(StaticClusterBootstrap.class.getName())), descriptor.toString());
    }
}
