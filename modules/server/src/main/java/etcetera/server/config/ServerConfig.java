package etcetera.server.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The whole configuration of one Etcetera node, as etcd 3.4 takes it from flags, {@code ETCD_*}
 * variables or its YAML config file, plus Etcetera's own settings. Immutable; built once by
 * {@link ConfigParser} and passed down, never read from globals. The defaults are etcd 3.4's and
 * are written once, in the flag table ({@code FlagTable}); the Javadoc of each component gives
 * its flag and default.
 *
 * @param member this member's identity, storage and limits
 * @param cluster how the cluster is formed and run
 * @param security TLS and HTTP access rules
 * @param auth the authentication settings
 * @param logging the log settings
 * @param monitoring profiling and metrics
 * @param proxy the v2 proxy mode (not supported by Etcetera yet)
 * @param experimental etcd's experimental settings
 * @param storageEngine {@code --storage-engine}: the storage engine's name, or {@code ""} (the
 *     default) to let the server choose the best engine present
 */
public record ServerConfig(
        Member member,
        Cluster cluster,
        Security security,
        Auth auth,
        Logging logging,
        Monitoring monitoring,
        Proxy proxy,
        Experimental experimental,
        String storageEngine) {

    /** The backend quota used when {@code --quota-backend-bytes} is 0: 2 GiB, as etcd. */
    public static final long DEFAULT_QUOTA_BACKEND_BYTES = 2L * 1024 * 1024 * 1024;

    /**
     * The configuration etcd 3.4 would run with for these flags and no environment, for tests
     * and embedding.
     *
     * @throws IllegalArgumentException with etcd's message if the flags are not valid
     */
    public static ServerConfig fromFlags(String... args) {
        return switch (ConfigParser.parse(List.of(args), java.util.Map.of(), Path::of)) {
            case ParseResult.Start start -> start.config();
            case ParseResult.Fail fail -> throw new IllegalArgumentException(fail.message());
            case ParseResult.Print print -> throw new IllegalArgumentException("flags ask to print, not to start: " + print.text());
        };
    }

    /** The storage engine asked for, or empty when the server should choose the best one present. */
    public Optional<String> requestedStorageEngine() {
        return storageEngine.isEmpty() ? Optional.empty() : Optional.of(storageEngine);
    }

    /**
     * This member's identity, storage and request limits.
     *
     * @param name {@code --name}, default {@code default}
     * @param dataDir {@code --data-dir}, default {@code <name>.etcd}
     * @param walDir {@code --wal-dir}, default none (the WAL lives in the data directory)
     * @param snapshotCount {@code --snapshot-count}, default 100000 applied entries
     * @param maxSnapshots {@code --max-snapshots}, default 5 (0 keeps all)
     * @param maxWals {@code --max-wals}, default 5 (0 keeps all)
     * @param heartbeatInterval {@code --heartbeat-interval} (milliseconds), default 100 ms
     * @param electionTimeout {@code --election-timeout} (milliseconds), default 1000 ms
     * @param initialElectionTickAdvance {@code --initial-election-tick-advance}, default true
     * @param listenPeerUrls {@code --listen-peer-urls}, default {@code http://localhost:2380}
     * @param listenClientUrls {@code --listen-client-urls}, default {@code http://localhost:2379}
     * @param quotaBackendBytes {@code --quota-backend-bytes}, default 0 (meaning 2 GiB; negative disables the quota)
     * @param backendBatchInterval {@code --backend-batch-interval}, default 0 (the engine's choice)
     * @param backendBatchLimit {@code --backend-batch-limit}, default 0 (the engine's choice)
     * @param maxTxnOps {@code --max-txn-ops}, default 128
     * @param maxRequestBytes {@code --max-request-bytes}, default 1572864 (1.5 MiB)
     * @param maxConcurrentStreams {@code --max-concurrent-streams}, default 4294967295
     * @param grpcKeepAliveMinTime {@code --grpc-keepalive-min-time}, default 5 s
     * @param grpcKeepAliveInterval {@code --grpc-keepalive-interval}, default 2 h
     * @param grpcKeepAliveTimeout {@code --grpc-keepalive-timeout}, default 20 s
     * @param unsafeNoFsync {@code --unsafe-no-fsync}, default false
     */
    public record Member(
            String name,
            Path dataDir,
            Optional<Path> walDir,
            long snapshotCount,
            int maxSnapshots,
            int maxWals,
            Duration heartbeatInterval,
            Duration electionTimeout,
            boolean initialElectionTickAdvance,
            List<URI> listenPeerUrls,
            List<URI> listenClientUrls,
            long quotaBackendBytes,
            Duration backendBatchInterval,
            long backendBatchLimit,
            int maxTxnOps,
            long maxRequestBytes,
            long maxConcurrentStreams,
            Duration grpcKeepAliveMinTime,
            Duration grpcKeepAliveInterval,
            Duration grpcKeepAliveTimeout,
            boolean unsafeNoFsync) {

        public Member {
            listenPeerUrls = List.copyOf(listenPeerUrls);
            listenClientUrls = List.copyOf(listenClientUrls);
        }

        /** Election timeout in heartbeat ticks, as etcd computes it (integer division). */
        public int electionTicks() {
            return (int) (electionTimeout.toMillis() / heartbeatInterval.toMillis());
        }

        /** The quota in force: 2 GiB when 0 is given, none ({@link Long#MAX_VALUE}) when negative. */
        public long effectiveQuotaBackendBytes() {
            if (quotaBackendBytes == 0) {
                return DEFAULT_QUOTA_BACKEND_BYTES;
            }
            return quotaBackendBytes < 0 ? Long.MAX_VALUE : quotaBackendBytes;
        }

        /** Where the WAL lives: {@code --wal-dir}, else {@code <data-dir>/member/wal} as in etcd. */
        public Path effectiveWalDir() {
            return walDir.orElse(dataDir.resolve("member").resolve("wal"));
        }
    }

    /**
     * How the cluster is formed and run.
     *
     * @param initialAdvertisePeerUrls {@code --initial-advertise-peer-urls}, default {@code http://localhost:2380}
     * @param advertiseClientUrls {@code --advertise-client-urls}, default {@code http://localhost:2379};
     *     empty only for a v2 proxy that listens on explicit client URLs
     * @param initialCluster {@code --initial-cluster} as given ({@code name=url,...}); default
     *     {@code <name>=<each initial advertise peer URL>}; empty when discovery is used
     * @param initialClusterState {@code --initial-cluster-state}, default {@code new}
     * @param initialClusterToken {@code --initial-cluster-token}, default {@code etcd-cluster}
     * @param discovery {@code --discovery}, default none
     * @param discoveryFallback {@code --discovery-fallback}, default {@code proxy}
     * @param discoveryProxy {@code --discovery-proxy}, default none
     * @param discoverySrv {@code --discovery-srv}, default none
     * @param discoverySrvName {@code --discovery-srv-name}, default none
     * @param strictReconfigCheck {@code --strict-reconfig-check}, default true
     * @param preVote {@code --pre-vote}, default false
     * @param autoCompaction {@code --auto-compaction-mode} (default {@code periodic}) and
     *     {@code --auto-compaction-retention} (default {@code 0}, disabled)
     * @param enableV2 {@code --enable-v2}, default false
     * @param forceNewCluster {@code --force-new-cluster}, default false
     */
    public record Cluster(
            List<URI> initialAdvertisePeerUrls,
            List<URI> advertiseClientUrls,
            String initialCluster,
            ClusterState initialClusterState,
            String initialClusterToken,
            String discovery,
            String discoveryFallback,
            String discoveryProxy,
            String discoverySrv,
            String discoverySrvName,
            boolean strictReconfigCheck,
            boolean preVote,
            AutoCompaction autoCompaction,
            boolean enableV2,
            boolean forceNewCluster) {

        public Cluster {
            initialAdvertisePeerUrls = List.copyOf(initialAdvertisePeerUrls);
            advertiseClientUrls = List.copyOf(advertiseClientUrls);
        }
    }

    /** {@code --initial-cluster-state}. */
    public enum ClusterState {
        NEW, EXISTING;

        static ClusterState of(String flagValue) {
            return valueOf(flagValue.toUpperCase(Locale.ROOT));
        }
    }

    /** Auto-compaction as {@code --auto-compaction-mode} and {@code --auto-compaction-retention} define it. */
    public sealed interface AutoCompaction {
        /** Retention 0: no automatic compaction. */
        record Disabled() implements AutoCompaction {
        }

        /** {@code periodic}: keep this much history (an integer retention is read as hours). */
        record Periodic(Duration retention) implements AutoCompaction {
        }

        /** {@code revision}: keep this many revisions. */
        record Revision(long retainedRevisions) implements AutoCompaction {
        }
    }

    /**
     * TLS settings of one listener family (client or peer).
     *
     * @param certFile {@code --cert-file} / {@code --peer-cert-file}
     * @param keyFile {@code --key-file} / {@code --peer-key-file}
     * @param clientCertAuth {@code --client-cert-auth} / {@code --peer-client-cert-auth}
     * @param trustedCaFile {@code --trusted-ca-file} / {@code --peer-trusted-ca-file}
     * @param crlFile {@code --client-crl-file} / {@code --peer-crl-file}
     * @param allowedHostname {@code --client-cert-allowed-hostname} / {@code --peer-cert-allowed-hostname}
     * @param allowedCn {@code --peer-cert-allowed-cn} (peers only)
     * @param autoTls {@code --auto-tls} / {@code --peer-auto-tls}
     * @param skipClientSanVerification {@code --experimental-peer-skip-client-san-verification} (peers only)
     */
    public record Tls(
            String certFile,
            String keyFile,
            boolean clientCertAuth,
            String trustedCaFile,
            String crlFile,
            String allowedHostname,
            String allowedCn,
            boolean autoTls,
            boolean skipClientSanVerification) {

        /** Whether any TLS is asked for. */
        public boolean enabled() {
            return autoTls || !certFile.isEmpty() || !keyFile.isEmpty();
        }
    }

    /**
     * TLS and HTTP access rules.
     *
     * @param client TLS of the client listeners
     * @param peer TLS of the peer listeners
     * @param cipherSuites {@code --cipher-suites}, default empty (the runtime's choice)
     * @param cors {@code --cors}, default {@code *}
     * @param hostWhitelist {@code --host-whitelist}, default {@code *}
     */
    public record Security(Tls client, Tls peer, List<String> cipherSuites, List<String> cors, List<String> hostWhitelist) {
        public Security {
            cipherSuites = List.copyOf(cipherSuites);
            cors = List.copyOf(cors);
            hostWhitelist = List.copyOf(hostWhitelist);
        }
    }

    /**
     * @param authToken {@code --auth-token}, default {@code simple}
     * @param bcryptCost {@code --bcrypt-cost}, default 10
     * @param authTokenTtl {@code --auth-token-ttl} (seconds), default 300 s
     */
    public record Auth(String authToken, int bcryptCost, Duration authTokenTtl) {
    }

    /**
     * @param logger {@code --logger}, default {@code capnslog}
     * @param outputs {@code --log-outputs}, default {@code default}
     * @param level {@code --log-level}, default {@code info}; {@code debug} when {@code --debug} is set
     * @param packageLevels {@code --log-package-levels}, default none
     */
    public record Logging(String logger, List<String> outputs, LogLevel level, String packageLevels) {
        public Logging {
            outputs = List.copyOf(outputs);
        }
    }

    /** {@code --log-level}. */
    public enum LogLevel {
        DEBUG, INFO, WARN, ERROR, DPANIC, PANIC, FATAL;

        static Optional<LogLevel> of(String flagValue) {
            for (LogLevel level : values()) {
                if (level.name().toLowerCase(Locale.ROOT).equals(flagValue)) {
                    return Optional.of(level);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * @param enablePprof {@code --enable-pprof}, default false
     * @param metrics {@code --metrics}, default {@code basic}
     * @param listenMetricsUrls {@code --listen-metrics-urls}, default none
     */
    public record Monitoring(boolean enablePprof, String metrics, List<URI> listenMetricsUrls) {
        public Monitoring {
            listenMetricsUrls = List.copyOf(listenMetricsUrls);
        }
    }

    /**
     * The v2 proxy settings.
     *
     * @param mode {@code --proxy}: {@code off} (default), {@code readonly} or {@code on}
     * @param failureWait {@code --proxy-failure-wait}, default 5000 ms
     * @param refreshInterval {@code --proxy-refresh-interval}, default 30000 ms
     * @param dialTimeout {@code --proxy-dial-timeout}, default 1000 ms
     * @param writeTimeout {@code --proxy-write-timeout}, default 5000 ms
     * @param readTimeout {@code --proxy-read-timeout}, default 0 (no limit)
     */
    public record Proxy(String mode, Duration failureWait, Duration refreshInterval, Duration dialTimeout,
            Duration writeTimeout, Duration readTimeout) {
    }

    /**
     * etcd's experimental settings.
     *
     * @param initialCorruptCheck {@code --experimental-initial-corrupt-check}, default false
     * @param corruptCheckTime {@code --experimental-corrupt-check-time}, default 0 (off)
     * @param enableV2v3 {@code --experimental-enable-v2v3}, default none
     * @param backendFreelistType {@code --experimental-backend-bbolt-freelist-type}, default {@code array}
     * @param enableLeaseCheckpoint {@code --experimental-enable-lease-checkpoint}, default false
     * @param enableLeaseCheckpointPersist {@code --experimental-enable-lease-checkpoint-persist}, default false
     * @param compactionBatchLimit {@code --experimental-compaction-batch-limit}, default 1000
     * @param watchProgressNotifyInterval {@code --experimental-watch-progress-notify-interval}, default 10 min
     * @param warningApplyDuration {@code --experimental-warning-apply-duration}, default 100 ms
     * @param snapshotCatchUpEntries {@code --experimental-snapshot-catchup-entries} (etcd 3.5), default 5000
     * @param enableGrpcGateway {@code --enable-grpc-gateway}, default true
     */
    public record Experimental(
            boolean initialCorruptCheck,
            Duration corruptCheckTime,
            String enableV2v3,
            String backendFreelistType,
            boolean enableLeaseCheckpoint,
            boolean enableLeaseCheckpointPersist,
            long compactionBatchLimit,
            Duration watchProgressNotifyInterval,
            Duration warningApplyDuration,
            long snapshotCatchUpEntries,
            boolean enableGrpcGateway) {
    }

    /** Builds the configuration from checked values; {@code paths} turns path flags into paths. */
    static ServerConfig of(FlagValues v, List<URI> advertiseClientUrls, AutoCompaction compaction, LogLevel level,
            List<String> logOutputs, Function<String, Path> paths) {
        String walDir = v.string("wal-dir");
        Member member = new Member(
                v.string("name"),
                paths.apply(v.string("data-dir")),
                walDir.isEmpty() ? Optional.empty() : Optional.of(paths.apply(walDir)),
                v.number("snapshot-count"),
                v.smallNumber("max-snapshots"),
                v.smallNumber("max-wals"),
                v.millis("heartbeat-interval"),
                v.millis("election-timeout"),
                v.bool("initial-election-tick-advance"),
                v.urls("listen-peer-urls"),
                v.urls("listen-client-urls"),
                v.number("quota-backend-bytes"),
                v.duration("backend-batch-interval"),
                v.number("backend-batch-limit"),
                v.smallNumber("max-txn-ops"),
                v.number("max-request-bytes"),
                v.number("max-concurrent-streams"),
                v.duration("grpc-keepalive-min-time"),
                v.duration("grpc-keepalive-interval"),
                v.duration("grpc-keepalive-timeout"),
                v.bool("unsafe-no-fsync"));
        Cluster cluster = new Cluster(
                v.urls("initial-advertise-peer-urls"),
                advertiseClientUrls,
                v.string("initial-cluster"),
                ClusterState.of(v.string("initial-cluster-state")),
                v.string("initial-cluster-token"),
                v.string("discovery"),
                v.string("discovery-fallback"),
                v.string("discovery-proxy"),
                v.string("discovery-srv"),
                v.string("discovery-srv-name"),
                v.bool("strict-reconfig-check"),
                v.bool("pre-vote"),
                compaction,
                v.bool("enable-v2"),
                v.bool("force-new-cluster"));
        Tls client = new Tls(v.string("cert-file"), v.string("key-file"), v.bool("client-cert-auth"),
                v.string("trusted-ca-file"), v.string("client-crl-file"), v.string("client-cert-allowed-hostname"), "",
                v.bool("auto-tls"), false);
        Tls peer = new Tls(v.string("peer-cert-file"), v.string("peer-key-file"), v.bool("peer-client-cert-auth"),
                v.string("peer-trusted-ca-file"), v.string("peer-crl-file"), v.string("peer-cert-allowed-hostname"),
                v.string("peer-cert-allowed-cn"), v.bool("peer-auto-tls"),
                v.bool("experimental-peer-skip-client-san-verification"));
        return new ServerConfig(
                member,
                cluster,
                new Security(client, peer, v.strings("cipher-suites"), v.strings("cors"), v.strings("host-whitelist")),
                new Auth(v.string("auth-token"), v.smallNumber("bcrypt-cost"), Duration.ofSeconds(v.number("auth-token-ttl"))),
                new Logging(v.string("logger"), logOutputs, level, v.string("log-package-levels")),
                new Monitoring(v.bool("enable-pprof"), v.string("metrics"), v.urls("listen-metrics-urls")),
                new Proxy(v.string("proxy"), v.millis("proxy-failure-wait"), v.millis("proxy-refresh-interval"),
                        v.millis("proxy-dial-timeout"), v.millis("proxy-write-timeout"), v.millis("proxy-read-timeout")),
                new Experimental(
                        v.bool("experimental-initial-corrupt-check"),
                        v.duration("experimental-corrupt-check-time"),
                        v.string("experimental-enable-v2v3"),
                        v.string("experimental-backend-bbolt-freelist-type"),
                        v.bool("experimental-enable-lease-checkpoint"),
                        v.bool("experimental-enable-lease-checkpoint-persist"),
                        v.number("experimental-compaction-batch-limit"),
                        v.duration("experimental-watch-progress-notify-interval"),
                        v.duration("experimental-warning-apply-duration"),
                        v.number("experimental-snapshot-catchup-entries"),
                        v.bool("enable-grpc-gateway")),
                v.string("storage-engine"));
    }
}
