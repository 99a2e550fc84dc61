package etcetera.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every flag etcd 3.4 knows is accepted: the names {@code etcd --help} lists (kept in
 * {@code etcd-3.4-help-flags.txt}) and the ones etcd registers without listing them.
 */
class EtcdFlagsAcceptedTest {

    /** Flags etcd 3.4.23 registers (etcdmain/config.go) but leaves out of its help text. */
    private static final List<String> UNLISTED = List.of(
            "log-output", "enable-grpc-gateway", "experimental-enable-lease-checkpoint-persist", "unsafe-no-fsync",
            "cluster-active-size", "cluster-remove-delay", "cluster-sync-interval", "config", "force", "max-result-buffer",
            "max-retry-attempts", "peer-heartbeat-interval", "peer-election-timeout", "retry-interval", "snapshot", "v", "vv");

    static Stream<String> etcdHelpFlags() throws IOException {
        List<String> names = new ArrayList<>();
        try (var in = EtcdFlagsAcceptedTest.class.getResourceAsStream("etcd-3.4-help-flags.txt");
                var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            reader.lines().filter(line -> !line.isBlank() && !line.startsWith("#")).forEach(names::add);
        }
        return names.stream();
    }

    @Test
    void theListIsComplete() throws IOException {
        assertEquals(85 - 2, etcdHelpFlags().count());
    }

    @ParameterizedTest
    @MethodSource("etcdHelpFlags")
    void everyFlagOfEtcdHelpIsAccepted(String name) {
        assertAccepted(name);
    }

    @Test
    void everyUnlistedEtcdFlagIsAccepted() {
        UNLISTED.forEach(EtcdFlagsAcceptedTest::assertAccepted);
    }

    /** The flag, given its default value (which every flag accepts), starts a node or prints. */
    private static void assertAccepted(String name) {
        if (name.equals("help")) {
            assertInstanceOf(ParseResult.Print.class, ConfigParser.parse(List.of("--help"), Map.of(), Path::of));
            return;
        }
        FlagSpec spec = FlagTable.find(name).orElseThrow(() -> new AssertionError("--" + name + " is not declared"));
        List<String> args = new ArrayList<>();
        args.add(spec.kind().takesNoValue() ? "--" + name : "--" + name + "=" + spec.defaultText());
        if (name.equals("listen-client-urls")) {
            args.add("--advertise-client-urls=http://localhost:2379");
        }
        if (name.equals("experimental-enable-lease-checkpoint-persist")) {
            args.add("--experimental-enable-lease-checkpoint");
        }
        ParseResult result = ConfigParser.parse(args, Map.of(), Path::of);
        if (result instanceof ParseResult.Fail fail) {
            throw new AssertionError(args + " failed: " + fail.message());
        }
        if (spec.support() == FlagSpec.Support.NOT_YET) {
            assertTrue(result.warnings().contains("flag --" + name + " is accepted but has no effect yet in Etcetera"), name);
        }
    }
}
