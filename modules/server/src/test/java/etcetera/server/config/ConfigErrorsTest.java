package etcetera.server.config;

import static etcetera.server.config.ConfigParserTest.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each rejected command line gives the message etcd 3.4 gives for it (checked against /usr/bin/etcd). */
class ConfigErrorsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        // Go flag syntax
        "--bogus|flag provided but not defined: -bogus",
        "-bogus=1|flag provided but not defined: -bogus",
        "---name|bad flag syntax: ---name",
        "-=x|bad flag syntax: -=x",
        "--name|flag needs an argument: -name",
        "extra|'extra' is not a valid flag",
        "-|'-' is not a valid flag",
        // value types
        "--snapshot-count=abc|invalid value \"abc\" for flag -snapshot-count: parse error",
        "--heartbeat-interval=-1|invalid value \"-1\" for flag -heartbeat-interval: parse error",
        "--max-request-bytes=-5|invalid value \"-5\" for flag -max-request-bytes: parse error",
        "--max-txn-ops=99999999999999999999|invalid value \"99999999999999999999\" for flag -max-txn-ops: value out of range",
        "--max-concurrent-streams=x|invalid value \"x\" for flag -max-concurrent-streams: strconv.ParseUint: parsing \"x\": invalid syntax",
        "--grpc-keepalive-min-time=5|invalid value \"5\" for flag -grpc-keepalive-min-time: parse error",
        "--enable-v2=maybe|invalid boolean value \"maybe\" for -enable-v2: parse error",
        "--initial-cluster-state=foo|invalid value \"foo\" for flag -initial-cluster-state: invalid value",
        "--discovery-fallback=x|invalid value \"x\" for flag -discovery-fallback: invalid value",
        "--proxy=x|invalid value \"x\" for flag -proxy: invalid value",
        // URLs
        "--listen-peer-urls=ftp://127.0.0.1:0|invalid value \"ftp://127.0.0.1:0\" for flag -listen-peer-urls: URL scheme must be http, https, unix, or unixs: ftp://127.0.0.1:0",
        "--listen-peer-urls=http://127.0.0.1|invalid value \"http://127.0.0.1\" for flag -listen-peer-urls: URL address does not have the form \"host:port\": http://127.0.0.1",
        "--listen-peer-urls=http://127.0.0.1:1/x|invalid value \"http://127.0.0.1:1/x\" for flag -listen-peer-urls: URL must not contain a path: http://127.0.0.1:1/x",
        "--listen-peer-urls=http://[::1|invalid value \"http://[::1\" for flag -listen-peer-urls: parse \"http://[::1\": missing ']' in host",
        "--initial-advertise-peer-urls=127.0.0.1:2379|invalid value \"127.0.0.1:2379\" for flag -initial-advertise-peer-urls: parse \"127.0.0.1:2379\": first path segment in URL cannot contain colon",
        "--initial-advertise-peer-urls=localhost:2379|invalid value \"localhost:2379\" for flag -initial-advertise-peer-urls: URL scheme must be http, https, unix, or unixs: localhost:2379",
        "--initial-advertise-peer-urls=http://a:b|invalid value \"http://a:b\" for flag -initial-advertise-peer-urls: parse \"http://a:b\": invalid port \":b\" after host",
        "--initial-advertise-peer-urls=:foo|invalid value \":foo\" for flag -initial-advertise-peer-urls: parse \":foo\": missing protocol scheme",
        "--initial-advertise-peer-urls=http://[::1]|invalid value \"http://[::1]\" for flag -initial-advertise-peer-urls: URL address does not have the form \"host:port\": http://[::1]",
        "--initial-advertise-peer-urls=http://[::1]x|invalid value \"http://[::1]x\" for flag -initial-advertise-peer-urls: parse \"http://[::1]x\": invalid port \"x\" after host",
        "`--initial-advertise-peer-urls=http://a b:1`|`invalid value \"http://a b:1\" for flag -initial-advertise-peer-urls: parse \"http://a b:1\": invalid character \" \" in host name`",
        "--listen-peer-urls=http://example.com:2380|expected IP in URL for binding (http://example.com:2380)",
        "--initial-advertise-peer-urls=http://:2380|--initial-advertise-peer-urls \"http://:2380\" must be \"host:port\" (unexpected empty host (http://:2380))",
        "--listen-client-urls=http://127.0.0.1:0|--advertise-client-urls is required when --listen-client-urls is set explicitly",
        // checks after parsing
        "--heartbeat-interval=0|--heartbeat-interval must be >0 (set to 0ms)",
        "--heartbeat-interval=500|--election-timeout[1000ms] should be at least as 5 times as --heartbeat-interval[500ms]",
        "--election-timeout=60000|--election-timeout[60000ms] is too long, and should be set less than 50000ms",
        "--auto-compaction-mode=foo|unknown auto-compaction-mode \"foo\"",
        "--auto-compaction-retention=foo|error parsing CompactionRetention: time: invalid duration \"foo\"",
        "--auto-compaction-retention=-1|error parsing CompactionRetention: time: missing unit in duration \"-1\"",
        "--auto-compaction-retention=5x|error parsing CompactionRetention: time: unknown unit \"x\" in duration \"5x\"",
        "--log-level=foo|unknown log level \"foo\" (--log-level supports debug, info, warn, error, dpanic, panic, fatal)",
        "--logger=foo|unknown logger option \"foo\"",
        "--log-outputs=stderr,stdout|--logger=capnslog supports only 1 value in '--log-outputs', got [\"stderr\" \"stdout\"]",
        "--experimental-enable-lease-checkpoint-persist|setting experimental-enable-lease-checkpoint-persist requires experimental-enable-lease-checkpoint",
        "gateway|the 'gateway' command of etcd is not supported by Etcetera",
    })
    void rejectedWithEtcdsMessage(String arg, String message) {
        assertEquals(message, failure(arg));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "--discovery=http://d.example/x|--initial-cluster=a=http://127.0.0.1:1|multiple discovery or bootstrap flags are set. Choose one of \"initial-cluster\", \"discovery\" or \"discovery-srv\"",
        "--discovery-srv=example.com|--discovery=http://d.example/x|multiple discovery or bootstrap flags are set. Choose one of \"initial-cluster\", \"discovery\" or \"discovery-srv\"",
        "--log-output=stderr|--log-outputs=stderr|both '--log-output' and '--log-outputs' are set; only set '--log-outputs'",
    })
    void rejectedCombinations(String first, String second, String message) {
        assertEquals(message, failure(first, second));
    }
}
