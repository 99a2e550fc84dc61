package etcetera.server.config;

import static etcetera.server.config.FlagKind.BOOL;
import static etcetera.server.config.FlagKind.DURATION;
import static etcetera.server.config.FlagKind.INT;
import static etcetera.server.config.FlagKind.ORIGINS;
import static etcetera.server.config.FlagKind.STRING;
import static etcetera.server.config.FlagKind.STRINGS;
import static etcetera.server.config.FlagKind.UINT;
import static etcetera.server.config.FlagKind.UINT32;
import static etcetera.server.config.FlagKind.UNIQUE_STRINGS;
import static etcetera.server.config.FlagKind.URLS;
import static etcetera.server.config.FlagSpec.Section.AUTH;
import static etcetera.server.config.FlagSpec.Section.CLUSTERING;
import static etcetera.server.config.FlagSpec.Section.DEPRECATED;
import static etcetera.server.config.FlagSpec.Section.ETCETERA;
import static etcetera.server.config.FlagSpec.Section.EXPERIMENTAL;
import static etcetera.server.config.FlagSpec.Section.HIDDEN;
import static etcetera.server.config.FlagSpec.Section.LOGGING;
import static etcetera.server.config.FlagSpec.Section.MEMBER;
import static etcetera.server.config.FlagSpec.Section.MONITORING;
import static etcetera.server.config.FlagSpec.Section.PROXY;
import static etcetera.server.config.FlagSpec.Section.SECURITY;
import static etcetera.server.config.FlagSpec.Section.UNSAFE;
import static etcetera.server.config.FlagSpec.Support.EFFECTIVE;
import static etcetera.server.config.FlagSpec.Support.NOT_YET;
import static etcetera.server.config.FlagSpec.Support.RETIRED;

import etcetera.server.config.FlagSpec.Section;
import etcetera.server.config.FlagSpec.Support;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Every flag the server accepts: all flags of etcd 3.4 (including the ones its help does not
 * list and the retired ones it ignores) and Etcetera's own. The defaults here are etcd 3.4's
 * and are the only place they are written. When a feature lands, flip its flags from
 * {@code NOT_YET} to {@code EFFECTIVE}. Immutable.
 */
final class FlagTable {

    /** The flags in help order. */
    static final List<FlagSpec> FLAGS = List.of(
            flag(HIDDEN, EFFECTIVE, "config-file", STRING, "",
                    "Path of a YAML configuration file; when given, all other flags and ETCD_* variables are ignored.", ""),

            // Member
            flag(MEMBER, EFFECTIVE, "name", STRING, "default", "This member's human-readable name."),
            flag(MEMBER, EFFECTIVE, "data-dir", STRING, "", "Directory holding this member's data (default: '<name>.etcd')."),
            flag(MEMBER, EFFECTIVE, "wal-dir", STRING, "", "Separate directory for the write-ahead log (default: inside the data directory)."),
            flag(MEMBER, EFFECTIVE, "snapshot-count", UINT, "100000", "Number of applied entries after which a snapshot is written."),
            flag(MEMBER, EFFECTIVE, "heartbeat-interval", UINT, "100", "Milliseconds between leader heartbeats."),
            flag(MEMBER, EFFECTIVE, "election-timeout", UINT, "1000",
                    "Milliseconds a follower waits without hearing from a leader before it starts an election."),
            flag(MEMBER, NOT_YET, "initial-election-tick-advance", BOOL, "true",
                    "Fast-forward the election ticks at start-up so that a lost leader is replaced sooner."),
            flag(MEMBER, EFFECTIVE, "listen-peer-urls", URLS, "http://localhost:2380", "URLs to accept peer traffic on."),
            flag(MEMBER, EFFECTIVE, "listen-client-urls", URLS, "http://localhost:2379", "URLs to accept client traffic on."),
            flag(MEMBER, NOT_YET, "max-snapshots", UINT, "5", "How many snapshot files to keep (0 keeps all)."),
            flag(MEMBER, NOT_YET, "max-wals", UINT, "5", "How many WAL files to keep (0 keeps all)."),
            flag(MEMBER, EFFECTIVE, "quota-backend-bytes", INT, "0",
                    "Backend size that raises the NOSPACE alarm (0 means the default of 2 GiB)."),
            flag(MEMBER, NOT_YET, "backend-batch-interval", DURATION, "0s", "Longest time a backend write transaction stays open."),
            flag(MEMBER, NOT_YET, "backend-batch-limit", INT, "0", "Most operations in one backend write transaction."),
            flag(MEMBER, EFFECTIVE, "max-txn-ops", UINT, "128", "Most operations allowed in one transaction."),
            flag(MEMBER, EFFECTIVE, "max-request-bytes", UINT, "1572864", "Largest client request accepted, in bytes."),
            flag(MEMBER, NOT_YET, "max-concurrent-streams", UINT32, "4294967295", "Most concurrent gRPC streams per client connection."),
            flag(MEMBER, NOT_YET, "grpc-keepalive-min-time", DURATION, "5s", "Shortest interval a client may ping the server at."),
            flag(MEMBER, NOT_YET, "grpc-keepalive-interval", DURATION, "2h", "How often the server pings an idle client connection (0 disables)."),
            flag(MEMBER, NOT_YET, "grpc-keepalive-timeout", DURATION, "20s",
                    "How long the server waits for a ping answer before closing the connection (0 disables)."),

            // Clustering
            flag(CLUSTERING, EFFECTIVE, "initial-advertise-peer-urls", URLS, "http://localhost:2380",
                    "This member's peer URLs as the other members should reach them."),
            flag(CLUSTERING, EFFECTIVE, "initial-cluster", STRING, "default=http://localhost:2380",
                    "The members of a new cluster: comma-separated name=peer-URL pairs."),
            choice(CLUSTERING, EFFECTIVE, "initial-cluster-state", List.of("new", "existing"),
                    "'new' to form a new cluster, 'existing' to join one."),
            flag(CLUSTERING, EFFECTIVE, "initial-cluster-token", STRING, "etcd-cluster",
                    "A token unique to the new cluster, so that members of different clusters never mistake each other."),
            flag(CLUSTERING, EFFECTIVE, "advertise-client-urls", URLS, "http://localhost:2379",
                    "This member's client URLs as clients should reach them; required when --listen-client-urls is given."),
            flag(CLUSTERING, NOT_YET, "discovery", STRING, "", "URL of a discovery service to bootstrap the cluster through."),
            choice(CLUSTERING, NOT_YET, "discovery-fallback", List.of("proxy", "exit"),
                    "What to do when the discovery service fails: 'exit' or 'proxy'."),
            flag(CLUSTERING, NOT_YET, "discovery-proxy", STRING, "", "HTTP proxy for reaching the discovery service."),
            flag(CLUSTERING, NOT_YET, "discovery-srv", STRING, "", "DNS domain whose SRV records list the initial cluster."),
            flag(CLUSTERING, NOT_YET, "discovery-srv-name", STRING, "", "Suffix appended to the SRV service names looked up."),
            flag(CLUSTERING, NOT_YET, "strict-reconfig-check", BOOL, "true", "Refuse membership changes that would lose quorum."),
            flag(CLUSTERING, NOT_YET, "pre-vote", BOOL, "false", "Run a pre-vote round before each election."),
            flag(CLUSTERING, EFFECTIVE, "auto-compaction-retention", STRING, "0",
                    "How much history auto-compaction keeps: hours or a duration such as '30m' (periodic), or revisions (revision). 0 disables it."),
            flag(CLUSTERING, EFFECTIVE, "auto-compaction-mode", STRING, "periodic",
                    "How --auto-compaction-retention is read: 'periodic' (time) or 'revision' (count)."),
            flag(CLUSTERING, NOT_YET, "enable-v2", BOOL, "false", "Serve the v2 keys API."),

            // Security
            flag(SECURITY, NOT_YET, "cert-file", STRING, "", "TLS certificate for client connections.", "client-transport-security.cert-file"),
            flag(SECURITY, NOT_YET, "key-file", STRING, "", "TLS private key for client connections.", "client-transport-security.key-file"),
            flag(SECURITY, NOT_YET, "client-cert-auth", BOOL, "false", "Require clients to present a certificate.",
                    "client-transport-security.client-cert-auth"),
            flag(SECURITY, NOT_YET, "client-crl-file", STRING, "", "Certificate revocation list for client certificates.", ""),
            flag(SECURITY, NOT_YET, "client-cert-allowed-hostname", STRING, "", "Host name a client certificate must carry.", ""),
            flag(SECURITY, NOT_YET, "trusted-ca-file", STRING, "", "CA bundle that client certificates are checked against.",
                    "client-transport-security.trusted-ca-file"),
            flag(SECURITY, NOT_YET, "auto-tls", BOOL, "false", "Serve clients over TLS with a generated self-signed certificate.",
                    "client-transport-security.auto-tls"),
            flag(SECURITY, NOT_YET, "peer-cert-file", STRING, "", "TLS certificate for peer connections.", "peer-transport-security.cert-file"),
            flag(SECURITY, NOT_YET, "peer-key-file", STRING, "", "TLS private key for peer connections.", "peer-transport-security.key-file"),
            flag(SECURITY, NOT_YET, "peer-client-cert-auth", BOOL, "false", "Require peers to present a certificate.",
                    "peer-transport-security.client-cert-auth"),
            flag(SECURITY, NOT_YET, "peer-trusted-ca-file", STRING, "", "CA bundle that peer certificates are checked against.",
                    "peer-transport-security.trusted-ca-file"),
            flag(SECURITY, NOT_YET, "peer-cert-allowed-cn", STRING, "", "Common name a peer certificate must carry.", ""),
            flag(SECURITY, NOT_YET, "peer-cert-allowed-hostname", STRING, "", "Host name a peer certificate must carry.", ""),
            flag(SECURITY, NOT_YET, "peer-auto-tls", BOOL, "false",
                    "Talk to peers over TLS with a generated certificate when no peer certificate is given.",
                    "peer-transport-security.auto-tls"),
            flag(SECURITY, NOT_YET, "peer-crl-file", STRING, "", "Certificate revocation list for peer certificates.", ""),
            flag(SECURITY, NOT_YET, "cipher-suites", STRINGS, "", "Comma-separated TLS cipher suites to allow (empty: the runtime's defaults)."),
            flag(SECURITY, NOT_YET, "cors", ORIGINS, "*", "Comma-separated origins allowed for CORS ('*' allows all)."),
            flag(SECURITY, NOT_YET, "host-whitelist", UNIQUE_STRINGS, "*",
                    "Comma-separated host names accepted in HTTP requests on insecure listeners ('*' accepts all)."),

            // Auth
            flag(AUTH, NOT_YET, "auth-token", STRING, "simple", "Kind of auth token and its options: 'simple' or 'jwt,...'."),
            flag(AUTH, NOT_YET, "bcrypt-cost", UINT, "10", "bcrypt cost for hashing passwords (4 to 31)."),
            flag(AUTH, NOT_YET, "auth-token-ttl", UINT, "300", "Seconds a simple auth token stays valid."),

            // Profiling and monitoring
            flag(MONITORING, NOT_YET, "enable-pprof", BOOL, "false", "Serve profiling data under /debug/pprof/ on the client URLs."),
            flag(MONITORING, NOT_YET, "metrics", STRING, "basic", "Metrics detail: 'basic' or 'extensive' (adds histograms)."),
            flag(MONITORING, NOT_YET, "listen-metrics-urls", URLS, "", "Extra URLs serving only /metrics and /health."),

            // Logging
            flag(LOGGING, NOT_YET, "logger", STRING, "capnslog", "Log format family: 'zap' or 'capnslog'."),
            flag(LOGGING, NOT_YET, "log-outputs", UNIQUE_STRINGS, "default",
                    "Where logs go: 'default', 'stderr', 'stdout', or a comma-separated list of files."),
            flag(LOGGING, EFFECTIVE, "log-level", STRING, "info", "Lowest level logged: debug, info, warn, error, panic or fatal."),

            // v2 proxy
            choice(PROXY, NOT_YET, "proxy", List.of("off", "readonly", "on"), "v2 proxy mode: 'off', 'readonly' or 'on'."),
            flag(PROXY, NOT_YET, "proxy-failure-wait", UINT, "5000", "Milliseconds a failed endpoint is left alone."),
            flag(PROXY, NOT_YET, "proxy-refresh-interval", UINT, "30000", "Milliseconds between endpoint list refreshes."),
            flag(PROXY, NOT_YET, "proxy-dial-timeout", UINT, "1000", "Milliseconds allowed to connect to an endpoint (0: no limit)."),
            flag(PROXY, NOT_YET, "proxy-write-timeout", UINT, "5000", "Milliseconds allowed for a write (0: no limit)."),
            flag(PROXY, NOT_YET, "proxy-read-timeout", UINT, "0", "Milliseconds allowed for a read (0: no limit)."),

            // Experimental
            flag(EXPERIMENTAL, NOT_YET, "experimental-initial-corrupt-check", BOOL, "false",
                    "Compare this member's data with its peers' before serving."),
            flag(EXPERIMENTAL, NOT_YET, "experimental-corrupt-check-time", DURATION, "0s", "Interval between periodic corruption checks (0 disables)."),
            flag(EXPERIMENTAL, NOT_YET, "experimental-enable-v2v3", STRING, "", "Serve the v2 API from the v3 store under this prefix."),
            flag(EXPERIMENTAL, NOT_YET, "experimental-backend-bbolt-freelist-type", STRING, "array",
                    "bbolt free-list type in etcd ('array' or 'map'); no meaning for Etcetera's engines."),
            flag(EXPERIMENTAL, NOT_YET, "experimental-enable-lease-checkpoint", BOOL, "false",
                    "Have the leader checkpoint leases' remaining TTLs to the other members."),
            flag(HIDDEN, NOT_YET, "experimental-enable-lease-checkpoint-persist", BOOL, "false",
                    "Persist lease checkpoints (needs --experimental-enable-lease-checkpoint)."),
            flag(EXPERIMENTAL, NOT_YET, "experimental-compaction-batch-limit", INT, "1000", "Most revisions removed per compaction batch."),
            flag(EXPERIMENTAL, NOT_YET, "experimental-peer-skip-client-san-verification", BOOL, "false",
                    "Do not check the SAN of peers' client certificates.", ""),
            flag(EXPERIMENTAL, EFFECTIVE, "experimental-watch-progress-notify-interval", DURATION, "10m",
                    "Interval of progress notifications on watches."),
            flag(HIDDEN, EFFECTIVE, "experimental-snapshot-catchup-entries", UINT, "5000",
                    "Entries a leader keeps behind a snapshot for slow followers (etcd 3.5's flag)."),
            flag(EXPERIMENTAL, NOT_YET, "experimental-warning-apply-duration", DURATION, "100ms",
                    "Log a warning for requests whose apply takes longer than this."),

            // Unsafe
            flag(UNSAFE, NOT_YET, "force-new-cluster", BOOL, "false", "Restart as a single-member cluster, dropping all other members."),
            flag(HIDDEN, NOT_YET, "unsafe-no-fsync", BOOL, "false", "Never fsync: data may be lost on a crash."),

            // To be deprecated
            flag(DEPRECATED, EFFECTIVE, "debug", BOOL, "false", "Same as --log-level=debug."),
            flag(DEPRECATED, NOT_YET, "log-package-levels", STRING, "", "Per-package log levels, e.g. 'etcdserver=DEBUG'."),
            flag(HIDDEN, NOT_YET, "log-output", UNIQUE_STRINGS, "default", "Old name of --log-outputs."),

            flag(HIDDEN, NOT_YET, "enable-grpc-gateway", BOOL, "true", "Serve the JSON gateway for the v3 API."),
            flag(HIDDEN, EFFECTIVE, "version", BOOL, "false", "Print the version and exit.", ""),

            // Etcetera's own
            flag(ETCETERA, EFFECTIVE, "storage-engine", STRING, "",
                    "Storage engine module to use, by name (default: the best engine present)."),

            // Flags of long-gone etcd versions that etcd 3.4 still accepts and ignores with a warning.
            retired("cluster-active-size"), retired("cluster-remove-delay"), retired("cluster-sync-interval"),
            retired("config"), retired("force"), retired("max-result-buffer"), retired("max-retry-attempts"),
            retired("peer-heartbeat-interval"), retired("peer-election-timeout"), retired("retry-interval"),
            retired("snapshot"), retired("v"), retired("vv"));

    private static final Map<String, FlagSpec> BY_NAME = index();

    private FlagTable() {
    }

    static Optional<FlagSpec> find(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    static FlagSpec get(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("no flag --" + name));
    }

    /** The flags settable from the YAML file, by their key ({@code outer.inner} for nested ones). */
    static Map<String, FlagSpec> byYamlKey() {
        Map<String, FlagSpec> keys = new LinkedHashMap<>();
        FLAGS.stream().filter(f -> !f.yamlKey().isEmpty()).forEach(f -> keys.put(f.yamlKey(), f));
        return keys;
    }

    private static Map<String, FlagSpec> index() {
        Map<String, FlagSpec> byName = new LinkedHashMap<>();
        for (FlagSpec spec : FLAGS) {
            if (byName.put(spec.name(), spec) != null) {
                throw new IllegalStateException("flag --" + spec.name() + " declared twice");
            }
        }
        return Map.copyOf(byName);
    }

    private static FlagSpec flag(Section section, Support support, String name, FlagKind kind, String defaultText, String help) {
        return flag(section, support, name, kind, defaultText, help, name);
    }

    private static FlagSpec flag(Section section, Support support, String name, FlagKind kind, String defaultText, String help,
            String yamlKey) {
        return new FlagSpec(name, kind, defaultText, section, support, yamlKey, List.of(), help);
    }

    private static FlagSpec choice(Section section, Support support, String name, List<String> choices, String help) {
        return new FlagSpec(name, FlagKind.CHOICE, choices.getFirst(), section, support, name, choices, help);
    }

    private static FlagSpec retired(String name) {
        return new FlagSpec(name, FlagKind.IGNORED, "", HIDDEN, RETIRED, "", List.of(), "");
    }

    /** All flag names, for tests and the help text. */
    static Stream<String> names() {
        return FLAGS.stream().map(FlagSpec::name);
    }
}
