package etcetera.server.config;

import static etcetera.server.config.ConfigParserTest.urls;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import etcetera.server.config.ServerConfig.AutoCompaction;
import etcetera.server.config.ServerConfig.ClusterState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The YAML config file with etcd's key names; when given, etcd 3.4 ignores all other flags and variables. */
class ConfigFileTest {

    @TempDir
    Path dir;

    private ParseResult parse(String yaml, Map<String, String> env, String... args) throws IOException {
        Files.writeString(dir.resolve("etcd.yaml"), yaml);
        return ConfigParser.parse(List.of(args), env, dir::resolve);
    }

    private ParseResult.Start start(String yaml, Map<String, String> env, String... args) throws IOException {
        ParseResult result = parse(yaml, env, args);
        if (result instanceof ParseResult.Fail fail) {
            throw new AssertionError(fail.message());
        }
        return assertInstanceOf(ParseResult.Start.class, result);
    }

    private String failure(String yaml) throws IOException {
        return assertInstanceOf(ParseResult.Fail.class, parse(yaml, Map.of(), "--config-file", "etcd.yaml")).message();
    }

    @Test
    void fileSettingsWithEtcdKeyNames() throws IOException {
        String yaml = """
                name: infra1
                data-dir: /var/lib/etcd/infra1
                wal-dir: /wal
                snapshot-count: 5000
                heartbeat-interval: 50
                election-timeout: 500
                quota-backend-bytes: 8589934592
                listen-peer-urls: http://127.0.0.1:12380
                listen-client-urls: http://127.0.0.1:12379,http://127.0.0.1:22379
                advertise-client-urls: http://127.0.0.1:12379
                initial-advertise-peer-urls: http://127.0.0.1:12380
                initial-cluster: infra1=http://127.0.0.1:12380,infra2=http://127.0.0.1:22380
                initial-cluster-token: tkn
                initial-cluster-state: existing
                auto-compaction-mode: revision
                auto-compaction-retention: "1000"
                max-txn-ops: 256
                max-request-bytes: 10485760
                log-level: warn
                storage-engine: file
                """;
        ParseResult.Start start = start(yaml, Map.of(), "--config-file", "etcd.yaml");
        ServerConfig c = start.config();
        assertEquals("infra1", c.member().name());
        assertEquals(Path.of("/var/lib/etcd/infra1"), c.member().dataDir());
        assertEquals(Path.of("/wal"), c.member().walDir().orElseThrow());
        assertEquals(5000, c.member().snapshotCount());
        assertEquals(Duration.ofMillis(50), c.member().heartbeatInterval());
        assertEquals(8_589_934_592L, c.member().quotaBackendBytes());
        assertEquals(urls("http://127.0.0.1:12379", "http://127.0.0.1:22379"), c.member().listenClientUrls());
        assertEquals("infra1=http://127.0.0.1:12380,infra2=http://127.0.0.1:22380", c.cluster().initialCluster());
        assertEquals("tkn", c.cluster().initialClusterToken());
        assertEquals(ClusterState.EXISTING, c.cluster().initialClusterState());
        assertEquals(new AutoCompaction.Revision(1000), c.cluster().autoCompaction());
        assertEquals(256, c.member().maxTxnOps());
        assertEquals(ServerConfig.LogLevel.WARN, c.logging().level());
        assertEquals("file", c.storageEngine());
        assertEquals(List.of(), start.warnings());
    }

    @Test
    void fileWinsAndOtherFlagsAndVariablesAreIgnoredWithAWarning() throws IOException {
        ParseResult.Start start = start("name: from-file\n", Map.of("ETCD_SNAPSHOT_COUNT", "7"),
                "--name", "from-flag", "--config-file", "etcd.yaml", "--max-txn-ops", "3");
        ServerConfig c = start.config();
        assertEquals("from-file", c.member().name());
        assertEquals(100_000, c.member().snapshotCount());
        assertEquals(128, c.member().maxTxnOps());
        assertEquals(List.of("loading the configuration from config file etcd.yaml; these command-line flags and environment "
                + "variables are ignored: --name, --max-txn-ops, ETCD_SNAPSHOT_COUNT"), start.warnings());
    }

    @Test
    void configFileVariableSelectsTheFile() throws IOException {
        ServerConfig c = start("name: from-env-file\n", Map.of("ETCD_CONFIG_FILE", "etcd.yaml")).config();
        assertEquals("from-env-file", c.member().name());
    }

    @Test
    void fileDefaultsAreEtcdsAndDerivedLikeFlags() throws IOException {
        ServerConfig c = start("name: solo\nlisten-client-urls: http://127.0.0.1:0\n", Map.of(), "--config-file=etcd.yaml").config();
        assertEquals(dir.resolve("solo.etcd"), c.member().dataDir());
        assertEquals("solo=http://localhost:2380", c.cluster().initialCluster());
        // Unlike the command line, etcd keeps the default advertise URL when the file sets only the listen URL.
        assertEquals(urls("http://localhost:2379"), c.cluster().advertiseClientUrls());
    }

    @Test
    void listsTransportSecurityAndNanosecondDurations() throws IOException {
        String yaml = """
                log-outputs: [stderr]
                logger: zap
                cipher-suites:
                  - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
                  - TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
                grpc-keepalive-min-time: 3000000000
                grpc-keepalive-interval: 1h
                enable-v2: yes
                client-transport-security:
                  cert-file: /tls/server.crt
                  key-file: /tls/server.key
                  client-cert-auth: true
                  trusted-ca-file: /tls/ca.crt
                peer-transport-security:
                  auto-tls: true
                """;
        ServerConfig c = start(yaml, Map.of(), "--config-file", "etcd.yaml").config();
        assertEquals(List.of("stderr"), c.logging().outputs());
        assertEquals(List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
                c.security().cipherSuites());
        assertEquals(Duration.ofSeconds(3), c.member().grpcKeepAliveMinTime());
        assertEquals(Duration.ofHours(1), c.member().grpcKeepAliveInterval());
        assertTrue(c.cluster().enableV2());
        assertEquals("/tls/server.crt", c.security().client().certFile());
        assertEquals("/tls/server.key", c.security().client().keyFile());
        assertTrue(c.security().client().clientCertAuth());
        assertEquals("/tls/ca.crt", c.security().client().trustedCaFile());
        assertTrue(c.security().peer().autoTls());
        assertFalse(c.security().client().autoTls());
    }

    @Test
    void emptyFileGivesDefaults() throws IOException {
        assertEquals("default", start("", Map.of(), "--config-file", "etcd.yaml").config().member().name());
    }

    @Test
    void unknownKeyWarns() throws IOException {
        ParseResult.Start start = start("nmae: typo\n", Map.of(), "--config-file", "etcd.yaml");
        assertEquals(List.of("config file etcd.yaml: unknown key \"nmae\" ignored"), start.warnings());
    }

    @Test
    void discoveryInTheFileClearsTheDefaultInitialCluster() throws IOException {
        ServerConfig c = start("discovery: https://discovery.example/abc\n", Map.of(), "--config-file", "etcd.yaml").config();
        assertEquals("", c.cluster().initialCluster());
    }

    @Test
    void missingFile() {
        ParseResult result = ConfigParser.parse(List.of("--config-file", "nope.yaml"), Map.of(), dir::resolve);
        assertEquals("open nope.yaml: no such file or directory", assertInstanceOf(ParseResult.Fail.class, result).message());
    }

    @Test
    void badValuesInTheFile() throws IOException {
        assertEquals("invalid value \"abc\" for snapshot-count in config file etcd.yaml: parse error", failure("snapshot-count: abc\n"));
        assertEquals("invalid value \"foo\" for initial-cluster-state in config file etcd.yaml: invalid value",
                failure("initial-cluster-state: foo\n"));
        assertEquals("invalid value \"ftp://x:1\" for listen-peer-urls in config file etcd.yaml: "
                + "URL scheme must be http, https, unix, or unixs: ftp://x:1", failure("listen-peer-urls: ftp://x:1\n"));
        assertEquals("unknown log level \"loud\" (--log-level supports debug, info, warn, error, dpanic, panic, fatal)",
                failure("log-level: loud\n"));
        assertEquals("invalid value for name in config file etcd.yaml: expected a single value, got a list", failure("name: [a, b]\n"));
        assertEquals("--election-timeout[100ms] should be at least as 5 times as --heartbeat-interval[100ms]",
                failure("election-timeout: 100\n"));
    }

    @Test
    void malformedYaml() throws IOException {
        assertTrue(failure("name: [a\n").startsWith("error parsing config file etcd.yaml: "));
        assertEquals("error parsing config file etcd.yaml: expected a mapping of settings at the top level", failure("- a\n- b\n"));
    }
}
