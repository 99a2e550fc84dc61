package etcetera.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import etcetera.server.config.ServerConfig.AutoCompaction;
import etcetera.server.config.ServerConfig.ClusterState;
import etcetera.server.config.ServerConfig.LogLevel;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigParserTest {

    static ParseResult parse(Map<String, String> env, String... args) {
        return ConfigParser.parse(List.of(args), env, Path::of);
    }

    static ParseResult.Start start(Map<String, String> env, String... args) {
        ParseResult result = parse(env, args);
        if (result instanceof ParseResult.Fail fail) {
            throw new AssertionError("expected a start, got: " + fail.message());
        }
        return assertInstanceOf(ParseResult.Start.class, result);
    }

    static ServerConfig config(String... args) {
        return start(Map.of(), args).config();
    }

    static String failure(Map<String, String> env, String... args) {
        return assertInstanceOf(ParseResult.Fail.class, parse(env, args)).message();
    }

    static String failure(String... args) {
        return failure(Map.of(), args);
    }

    static List<URI> urls(String... urls) {
        return java.util.Arrays.stream(urls).map(URI::create).toList();
    }

    @Test
    void noArgumentsGiveEtcdDefaults() {
        ParseResult.Start start = start(Map.of());
        ServerConfig c = start.config();
        assertEquals("default", c.member().name());
        assertEquals(Path.of("default.etcd"), c.member().dataDir());
        assertEquals(Optional.empty(), c.member().walDir());
        assertEquals(100_000, c.member().snapshotCount());
        assertEquals(Duration.ofMillis(100), c.member().heartbeatInterval());
        assertEquals(Duration.ofMillis(1000), c.member().electionTimeout());
        assertEquals(10, c.member().electionTicks());
        assertEquals(urls("http://localhost:2380"), c.member().listenPeerUrls());
        assertEquals(urls("http://localhost:2379"), c.member().listenClientUrls());
        assertEquals(urls("http://localhost:2379"), c.cluster().advertiseClientUrls());
        assertEquals(urls("http://localhost:2380"), c.cluster().initialAdvertisePeerUrls());
        assertEquals("default=http://localhost:2380", c.cluster().initialCluster());
        assertEquals(ClusterState.NEW, c.cluster().initialClusterState());
        assertEquals("etcd-cluster", c.cluster().initialClusterToken());
        assertEquals(0, c.member().quotaBackendBytes());
        assertEquals(2L * 1024 * 1024 * 1024, c.member().effectiveQuotaBackendBytes());
        assertEquals(1_572_864, c.member().maxRequestBytes());
        assertEquals(128, c.member().maxTxnOps());
        assertEquals(5, c.member().maxSnapshots());
        assertEquals(5, c.member().maxWals());
        assertEquals(new AutoCompaction.Disabled(), c.cluster().autoCompaction());
        assertEquals(LogLevel.INFO, c.logging().level());
        assertEquals("capnslog", c.logging().logger());
        assertEquals(List.of("default"), c.logging().outputs());
        assertTrue(c.cluster().strictReconfigCheck());
        assertFalse(c.cluster().enableV2());
        assertEquals(List.of("*"), c.security().cors());
        assertEquals(List.of("*"), c.security().hostWhitelist());
        assertEquals("simple", c.auth().authToken());
        assertEquals(10, c.auth().bcryptCost());
        assertEquals(Duration.ofSeconds(300), c.auth().authTokenTtl());
        assertEquals(4_294_967_295L, c.member().maxConcurrentStreams());
        assertEquals(Duration.ofHours(2), c.member().grpcKeepAliveInterval());
        assertEquals(Duration.ofMinutes(10), c.experimental().watchProgressNotifyInterval());
        assertEquals(Optional.empty(), c.requestedStorageEngine());
        assertEquals(List.of(), start.warnings());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--name|n1",
        "-name|n1",
    })
    void flagAndValueAsTwoArguments(String flag, String value) {
        assertEquals("n1", config(flag, value).member().name());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--name=n1", "-name=n1"})
    void flagAndValueJoinedByEquals(String arg) {
        assertEquals("n1", config(arg).member().name());
    }

    @Test
    void valueMayItselfContainEqualsSigns() {
        assertEquals("a=http://127.0.0.1:1,b=http://127.0.0.1:2",
                config("--initial-cluster=a=http://127.0.0.1:1,b=http://127.0.0.1:2").cluster().initialCluster());
    }

    @Test
    void booleanFlagsStandAloneOrTakeAValueAfterEquals() {
        assertTrue(config("--enable-v2").cluster().enableV2());
        assertTrue(config("-enable-v2").cluster().enableV2());
        assertTrue(config("--enable-v2=true").cluster().enableV2());
        assertTrue(config("--enable-v2=1").cluster().enableV2());
        assertTrue(config("--enable-v2=T").cluster().enableV2());
        assertFalse(config("--strict-reconfig-check=false").cluster().strictReconfigCheck());
        assertFalse(config("--strict-reconfig-check=0").cluster().strictReconfigCheck());
    }

    @Test
    void booleanFlagDoesNotConsumeTheNextArgument() {
        assertEquals("'false' is not a valid flag", failure("--enable-v2", "false"));
    }

    @Test
    void lastOccurrenceOfAFlagWins() {
        assertEquals("b", config("--name", "a", "--name", "b").member().name());
    }

    @Test
    void doubleDashEndsTheFlags() {
        assertEquals("n", config("--name", "n", "--").member().name());
        assertEquals("'--name' is not a valid flag", failure("--", "--name", "x"));
    }

    @Test
    void numbersAcceptGoIntegerLiterals() {
        assertEquals(0x10, config("--snapshot-count=0x10").member().snapshotCount());
        assertEquals(1000, config("--snapshot-count=1_000").member().snapshotCount());
        assertEquals(8, config("--snapshot-count=010").member().snapshotCount());
        assertEquals(-1, config("--quota-backend-bytes=-1").member().quotaBackendBytes());
        assertEquals(Long.MAX_VALUE, config("--quota-backend-bytes=-1").member().effectiveQuotaBackendBytes());
    }

    @Test
    void durationsUseGoSyntax() {
        ServerConfig c = config("--grpc-keepalive-min-time=1m30s", "--grpc-keepalive-timeout=1.5h",
                "--experimental-warning-apply-duration=250us");
        assertEquals(Duration.ofSeconds(90), c.member().grpcKeepAliveMinTime());
        assertEquals(Duration.ofMinutes(90), c.member().grpcKeepAliveTimeout());
        assertEquals(Duration.ofNanos(250_000), c.experimental().warningApplyDuration());
    }

    @Test
    void urlListsAreSortedAndDeduplicated() {
        ServerConfig c = config("--listen-client-urls", "http://127.0.0.1:2,http://127.0.0.1:1, http://127.0.0.1:2",
                "--advertise-client-urls", "http://127.0.0.1:1");
        assertEquals(urls("http://127.0.0.1:1", "http://127.0.0.1:2"), c.member().listenClientUrls());
    }

    @Test
    void listenUrlsAcceptPortZeroUnixSocketsAndIpv6() {
        ServerConfig c = config("--listen-client-urls", "http://127.0.0.1:0,unix://localhost:7,https://[::1]:0",
                "--advertise-client-urls", "http://127.0.0.1:2379",
                "--listen-peer-urls", "unix://peer.sock:0", "--initial-advertise-peer-urls", "unixs://peer.sock:0");
        assertEquals(urls("http://127.0.0.1:0", "https://[::1]:0", "unix://localhost:7"), c.member().listenClientUrls());
        assertEquals(urls("unix://peer.sock:0"), c.member().listenPeerUrls());
        assertEquals(urls("unixs://peer.sock:0"), c.cluster().initialAdvertisePeerUrls());
    }

    @Test
    void dataDirDefaultsToTheNameAndInitialClusterFollowsTheName() {
        ServerConfig c = config("--name", "infra1", "--initial-advertise-peer-urls", "http://127.0.0.1:12380,http://127.0.0.1:12381");
        assertEquals(Path.of("infra1.etcd"), c.member().dataDir());
        assertEquals("infra1=http://127.0.0.1:12380,infra1=http://127.0.0.1:12381", c.cluster().initialCluster());
    }

    @Test
    void explicitInitialClusterIsKept() {
        ServerConfig c = config("--name", "a", "--initial-cluster", "a=http://127.0.0.1:1,b=http://127.0.0.1:2");
        assertEquals("a=http://127.0.0.1:1,b=http://127.0.0.1:2", c.cluster().initialCluster());
    }

    @Test
    void pathsGoThroughTheResolver() {
        Path base = Path.of("/srv/etcetera");
        ParseResult result = ConfigParser.parse(List.of("--data-dir", "d", "--wal-dir", "w"), Map.of(), base::resolve);
        ServerConfig c = assertInstanceOf(ParseResult.Start.class, result).config();
        assertEquals(base.resolve("d"), c.member().dataDir());
        assertEquals(Optional.of(base.resolve("w")), c.member().walDir());
    }

    @Test
    void autoCompactionRetentionIsHoursOrADurationOrRevisions() {
        assertEquals(new AutoCompaction.Periodic(Duration.ofHours(1)), config("--auto-compaction-retention=1").cluster().autoCompaction());
        assertEquals(new AutoCompaction.Periodic(Duration.ofMinutes(5)), config("--auto-compaction-retention=5m").cluster().autoCompaction());
        assertEquals(new AutoCompaction.Revision(1000),
                config("--auto-compaction-mode=revision", "--auto-compaction-retention=1000").cluster().autoCompaction());
        assertEquals(new AutoCompaction.Disabled(), config("--auto-compaction-retention=0").cluster().autoCompaction());
    }

    @Test
    void debugFlagMeansDebugLevel() {
        ParseResult.Start start = start(Map.of(), "--debug");
        assertEquals(LogLevel.DEBUG, start.config().logging().level());
        assertEquals(List.of("flag --debug is deprecated; use --log-level=debug instead"), start.warnings());
    }

    @Test
    void storageEngineIsOurOwnFlag() {
        assertEquals(Optional.of("file"), config("--storage-engine", "file").requestedStorageEngine());
    }

    @Test
    void flagWithoutEffectYetWarns() {
        ParseResult.Start start = start(Map.of(), "--enable-pprof", "--experimental-initial-corrupt-check=true", "--logger=zap");
        assertEquals(List.of(
                "flag --enable-pprof is accepted but has no effect yet in Etcetera",
                "flag --logger is accepted but has no effect yet in Etcetera",
                "flag --experimental-initial-corrupt-check is accepted but has no effect yet in Etcetera"), start.warnings());
    }

    @Test
    void retiredEtcdFlagsAreIgnoredWithAWarning() {
        ParseResult.Start start = start(Map.of(), "-v", "--peer-heartbeat-interval=100");
        assertEquals(List.of(
                "flag \"-v\" is no longer supported - ignoring.",
                "flag \"-peer-heartbeat-interval\" is no longer supported - ignoring."), start.warnings());
    }

    @Test
    void versionPrintsEtcdsFirstLineThenOurs() {
        ParseResult.Print print = assertInstanceOf(ParseResult.Print.class, parse(Map.of(), "--version"));
        String[] lines = print.text().split("\n");
        assertEquals("etcd Version: 3.4.23", lines[0]);
        assertTrue(lines[1].startsWith("Etcetera Version: "), lines[1]);
        assertTrue(print.text().contains("Java Version: " + Runtime.version()));
        assertInstanceOf(ParseResult.Print.class, parse(Map.of(), "-name=x", "-version"));
    }

    @Test
    void versionFalseDoesNotPrint() {
        assertInstanceOf(ParseResult.Start.class, parse(Map.of(), "--version=false"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h", "-help", "--h", "--help=false"})
    void helpPrintsTheFlags(String arg) {
        ParseResult.Print print = assertInstanceOf(ParseResult.Print.class, parse(Map.of(), "--name", "x", arg));
        assertTrue(print.text().startsWith("Usage:"));
        assertTrue(print.text().contains("\n  --initial-cluster 'default=http://localhost:2380'\n"), print.text());
        assertTrue(print.text().contains("\n  --data-dir '${name}.etcd'\n"));
        assertTrue(print.text().contains("\n  --storage-engine ''\n"));
        assertTrue(print.text().contains("(no effect yet)"));
    }

    @Test
    void helpListsEveryFlagButTheHiddenOnes() {
        String help = UsageText.help();
        for (FlagSpec spec : FlagTable.FLAGS) {
            boolean listed = help.contains("\n  --" + spec.name() + " '");
            assertEquals(spec.section() != FlagSpec.Section.HIDDEN, listed, spec.name());
        }
    }
}
