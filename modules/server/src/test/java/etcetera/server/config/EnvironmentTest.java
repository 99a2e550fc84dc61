package etcetera.server.config;

import static etcetera.server.config.ConfigParserTest.failure;
import static etcetera.server.config.ConfigParserTest.start;
import static etcetera.server.config.ConfigParserTest.urls;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code ETCD_*} variables fill the flags the command line leaves out, as etcd's SetFlagsFromEnv. */
class EnvironmentTest {

    @Test
    void variablesSetFlagsNotOnTheCommandLine() {
        ParseResult.Start start = start(Map.of(
                "ETCD_NAME", "infra2",
                "ETCD_DATA_DIR", "/var/lib/etcd",
                "ETCD_INITIAL_CLUSTER", "infra2=http://127.0.0.1:2380",
                "ETCD_ENABLE_V2", "true",
                "ETCD_SNAPSHOT_COUNT", "5000"));
        ServerConfig c = start.config();
        assertEquals("infra2", c.member().name());
        assertEquals(Path.of("/var/lib/etcd"), c.member().dataDir());
        assertEquals("infra2=http://127.0.0.1:2380", c.cluster().initialCluster());
        assertEquals(5000, c.member().snapshotCount());
        assertTrue(c.cluster().enableV2());
        assertEquals(List.of("flag --enable-v2 is accepted but has no effect yet in Etcetera"), start.warnings());
    }

    @Test
    void commandLineAndVariablesCombine() {
        ServerConfig c = start(Map.of("ETCD_ADVERTISE_CLIENT_URLS", "http://127.0.0.1:4001"),
                "--listen-client-urls", "http://127.0.0.1:4001").config();
        assertEquals(urls("http://127.0.0.1:4001"), c.cluster().advertiseClientUrls());
    }

    @Test
    void variableForAFlagAlsoOnTheCommandLineIsRefusedLikeEtcd() {
        assertEquals("conflicting environment variable \"ETCD_NAME\" is shadowed by corresponding command-line flag "
                + "(either unset environment variable or disable flag)", failure(Map.of("ETCD_NAME", "x"), "--name", "y"));
    }

    @Test
    void unknownEtcdVariableWarnsOtherVariablesAreIgnored() {
        ParseResult.Start start = start(Map.of("ETCD_BOGUS", "1", "ETCDCTL_API", "3", "HOME", "/root"));
        assertEquals(List.of("unrecognized environment variable ETCD_BOGUS=1"), start.warnings());
    }

    @Test
    void emptyVariableIsNotUsed() {
        ParseResult.Start start = start(Map.of("ETCD_NAME", ""));
        assertEquals("default", start.config().member().name());
        assertEquals(List.of("unrecognized environment variable ETCD_NAME="), start.warnings());
    }

    @Test
    void badVariableValueNamesTheVariable() {
        assertEquals("invalid value \"abc\" for ETCD_SNAPSHOT_COUNT: parse error", failure(Map.of("ETCD_SNAPSHOT_COUNT", "abc")));
        assertEquals("invalid value \"foo\" for ETCD_INITIAL_CLUSTER_STATE: invalid value",
                failure(Map.of("ETCD_INITIAL_CLUSTER_STATE", "foo")));
        assertEquals("invalid value \"maybe\" for ETCD_ENABLE_V2: parse error", failure(Map.of("ETCD_ENABLE_V2", "maybe")));
    }

    @Test
    void listenClientUrlsFromTheEnvironmentAlsoNeedAnAdvertiseUrl() {
        assertEquals("--advertise-client-urls is required when --listen-client-urls is set explicitly",
                failure(Map.of("ETCD_LISTEN_CLIENT_URLS", "http://127.0.0.1:0")));
    }

    @Test
    void storageEngineHasItsVariableToo() {
        assertEquals("file", start(Map.of("ETCD_STORAGE_ENGINE", "file")).config().storageEngine());
    }
}
