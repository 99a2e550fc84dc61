package etcetera.server;

import etcetera.api.bootstrap.BootstrapRequest;
import etcetera.api.bootstrap.ClusterBootstrap;
import etcetera.api.bootstrap.InitialCluster;
import etcetera.api.bootstrap.Member;
import etcetera.api.storage.Backend;
import etcetera.api.storage.BackendOptions;
import etcetera.api.storage.Progress;
import etcetera.api.storage.StorageEngine;
import etcetera.raft.Entry;
import etcetera.raft.wal.Wal;
import etcetera.raft.wal.WalContents;
import etcetera.raft.wal.WalOptions;
import etcetera.server.apply.Applier;
import etcetera.server.apply.Leases;
import etcetera.server.apply.RequestChecks;
import etcetera.server.config.ServerConfig;
import etcetera.server.config.Version;
import etcetera.server.errors.EtcdError;
import etcetera.server.errors.EtcdException;
import etcetera.server.grpc.ClusterService;
import etcetera.server.grpc.KeyValueApi;
import etcetera.server.grpc.KvService;
import etcetera.server.grpc.MaintenanceApi;
import etcetera.server.grpc.MaintenanceService;
import etcetera.server.grpc.WatchService;
import etcetera.server.http.ClientPortNegotiator;
import etcetera.server.http.HttpApi;
import etcetera.server.http.HttpReplies;
import etcetera.server.transport.PeerApi;
import etcetera.server.transport.PeerListener;
import etcetera.server.mvcc.AutoCompaction;
import etcetera.server.mvcc.AutoCompactor;
import etcetera.server.mvcc.KvHash;
import etcetera.server.mvcc.MvccStore;
import etcetera.server.node.RequestIds;
import etcetera.server.node.SingleMemberNode;
import etcetera.server.watch.WatchHub;
import etcetera.server.watch.WatchOptions;
import etcetera.wire.etcdserverpb.AlarmRequest;
import etcetera.wire.etcdserverpb.AlarmResponse;
import etcetera.wire.etcdserverpb.AlarmType;
import etcetera.wire.etcdserverpb.CompactionRequest;
import etcetera.wire.etcdserverpb.CompactionResponse;
import etcetera.wire.etcdserverpb.DefragmentResponse;
import etcetera.wire.etcdserverpb.DeleteRangeRequest;
import etcetera.wire.etcdserverpb.DeleteRangeResponse;
import etcetera.wire.etcdserverpb.HashKVResponse;
import etcetera.wire.etcdserverpb.HashResponse;
import etcetera.wire.etcdserverpb.MemberListResponse;
import etcetera.wire.etcdserverpb.MoveLeaderResponse;
import etcetera.wire.etcdserverpb.PutRequest;
import etcetera.wire.etcdserverpb.PutResponse;
import etcetera.wire.etcdserverpb.RangeRequest;
import etcetera.wire.etcdserverpb.RangeResponse;
import etcetera.wire.etcdserverpb.ResponseHeader;
import etcetera.wire.etcdserverpb.StatusResponse;
import etcetera.wire.etcdserverpb.TxnRequest;
import etcetera.wire.etcdserverpb.TxnResponse;
import etcetera.wire.internal.InternalRequest;
import io.grpc.Server;
import io.grpc.netty.InternalNettyServerCredentials;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.time.InstantSource;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One Etcetera member: opens the data dir (backend through the chosen storage engine, WAL),
 * replays what the backend has not applied, starts the node and serves etcd's v3 gRPC API on
 * the client URLs. Thread-safe: request methods are called on gRPC's threads; writes go
 * through the node, reads go to the MVCC store's committed view.
 */
public final class EtcdServer implements KeyValueApi, MaintenanceApi, HttpApi, PeerApi, AutoCloseable {

    private static final Logger LOG = System.getLogger("etcdserver");
    private static final Logger EMBED = System.getLogger("embed");

    /** The etcd version whose API and behaviour this server matches, reported by Status and /version. */
    public static final String ETCD_VERSION = Version.ETCD;
    /** The cluster version, as etcd reports it (major.minor). */
    public static final String CLUSTER_VERSION = "3.4";
    /** etcd lets gRPC messages exceed --max-request-bytes by this much, so its own check answers first. */
    private static final int GRPC_OVERHEAD_BYTES = 512 * 1024;

    private final ServerConfig config;
    private final MemberIdentity identity;
    private final Backend backend;
    private final MvccStore store;
    private final Applier applier;
    private final SingleMemberNode node;
    private final RequestIds requestIds;
    private final Alarms alarms;
    private final ExecutorService workers;
    private final List<Server> grpcServers = new ArrayList<>();
    private final List<InetSocketAddress> boundClientAddresses = new ArrayList<>();
    private final long quotaBytes;
    private final ScheduledExecutorService timers =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("etcetera-timers").daemon().factory());
    private AutoCloseable autoCompaction = () -> { };
    private PeerListener peers;
    private WatchHub watchHub;
    private WatchService watchService;

    private EtcdServer(ServerConfig config, MemberIdentity identity, Backend backend, MvccStore store, Applier applier,
            SingleMemberNode node, Alarms alarms) {
        this.config = config;
        this.alarms = alarms;
        this.identity = identity;
        this.backend = backend;
        this.store = store;
        this.applier = applier;
        this.node = node;
        this.requestIds = new RequestIds(identity.memberId(), System.currentTimeMillis());
        this.workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("etcetera-worker-", 0).factory());
        this.quotaBytes = config.member().effectiveQuotaBackendBytes();
    }

    /** Opens the member's data, serves clients, and returns once it is ready to serve them. */
    public static EtcdServer start(ServerConfig config) {
        Path dataDir = config.member().dataDir();
        Path memberDir = dataDir.resolve("member");
        Path walDir = config.member().effectiveWalDir();
        Path backendDir = memberDir.resolve("db");
        try {
            Files.createDirectories(memberDir);
        } catch (IOException e) {
            throw new StartupException("cannot create data dir " + memberDir + ": " + e.getMessage()
                    + "; check that the user running etcetera may write there");
        }
        StorageEngine engine = StorageEngines.choose(config.requestedStorageEngine().orElse(""), backendDir);
        LOG.log(Level.INFO, "opening backend engine=" + engine.name() + " path=" + backendDir);
        // The WAL is the source of truth: the backend is forced only before WAL is released.
        Backend backend = engine.open(backendDir, new BackendOptions(false, 0));
        StorageEngines.recordChoice(engine, backendDir);
        MvccStore store = MvccStore.open(backend);

        WalOptions walOptions = WalOptions.defaults().withMaxWals(config.member().maxWals()).withMaxSnapshots(config.member().maxSnapshots());
        MemberIdentity identity;
        Wal wal;
        List<Entry> entries;
        long term;
        if (Wal.exists(walDir)) {
            wal = Wal.open(walDir, walOptions);
            WalContents contents = wal.readAll(store.consistentIndex());
            identity = MemberIdentity.decode(contents.metadata());
            entries = contents.entries();
            term = Math.max(1, contents.hardState().term());
            LOG.log(Level.INFO, "restarting member; --initial-cluster flags are ignored, the data dir says who this member is"
                    + " member-id=" + identity.memberHex() + " cluster-id=" + identity.clusterHex()
                    + " wal-entries=" + entries.size() + " backend-applied-index=" + store.consistentIndex());
        } else {
            identity = bootstrap(config);
            wal = Wal.create(walDir, walOptions, identity.encode());
            entries = List.of();
            term = 1;
            LOG.log(Level.INFO, "starting a new member member-id=" + identity.memberHex() + " cluster-id=" + identity.clusterHex());
        }
        long lastIndex = Math.max(wal.lastIndex(), store.consistentIndex());
        long headerTerm = term;
        Alarms alarms = new Alarms();
        WatchHub watchHub = WatchHub.start(store, WatchOptions.defaults());
        Applier applier = new Applier(store, revision -> header(identity, headerTerm, revision), Leases.none(), alarms::noSpace);
        KvStateMachine stateMachine = new KvStateMachine(store, applier, backend, watchHub);
        int replayed = SingleMemberNode.replay(entries, stateMachine);
        if (replayed > 0) {
            LOG.log(Level.INFO, "replayed WAL entries the backend had not applied count=" + replayed + " applied-index=" + store.consistentIndex());
        }
        SingleMemberNode node = new SingleMemberNode(wal, stateMachine, identity.memberId(), term, lastIndex, config.member().snapshotCount());
        EtcdServer server = new EtcdServer(config, identity, backend, store, applier, node, alarms);
        server.watchHub = watchHub;
        if (backend.size() > server.quotaBytes) {
            server.alarms.raise(identity.memberId(), AlarmType.NOSPACE);
        }
        node.start();
        server.startAutoCompaction();
        try {
            server.peers = PeerListener.start(config.member().listenPeerUrls(), server);
        } catch (RuntimeException e) {
            server.close();
            throw new StartupException(e.getMessage());
        }
        System.getLogger("etcdserver/api").log(Level.INFO, "enabled capabilities for version " + CLUSTER_VERSION);
        server.serveClients();
        LOG.log(Level.INFO, "published {Name:" + config.member().name() + " ClientURLs:" + config.cluster().advertiseClientUrls()
                + "} to cluster " + identity.clusterHex());
        EMBED.log(Level.INFO, "ready to serve client requests");
        for (InetSocketAddress address : server.boundClientAddresses) {
            EMBED.log(Level.INFO, "serving insecure client requests on " + address.getHostString() + ":" + address.getPort()
                    + ", this is strongly discouraged!");
        }
        return server;
    }

    private static MemberIdentity bootstrap(ServerConfig config) {
        BootstrapRequest request = new BootstrapRequest(config.member().name(), config.cluster().initialAdvertisePeerUrls(),
                config.cluster().initialCluster(), config.cluster().initialClusterToken(), Map.of());
        List<ClusterBootstrap> strategies = ServiceLoader.load(ClusterBootstrap.class).stream().map(ServiceLoader.Provider::get).toList();
        ClusterBootstrap strategy = strategies.stream().filter(s -> s.appliesTo(request)).findFirst()
                .orElseThrow(() -> new StartupException("no cluster bootstrap strategy applies to this configuration; present: "
                        + strategies.stream().map(ClusterBootstrap::name).collect(Collectors.joining(", "))));
        InitialCluster cluster = strategy.resolve(request);
        Member me = ClusterBootstrap.member(cluster, config.member().name())
                .orElseThrow(() -> new StartupException("member " + config.member().name() + " is not in --initial-cluster"));
        if (cluster.members().size() != 1) {
            throw new StartupException("--initial-cluster names " + cluster.members().size()
                    + " members; this build runs single-member clusters only (multi-member clusters come with the Raft node driver)");
        }
        return new MemberIdentity(me.id(), cluster.clusterId());
    }

    private void serveClients() {
        int maxInbound = (int) Math.min(Integer.MAX_VALUE, (long) config.member().maxRequestBytes() + GRPC_OVERHEAD_BYTES);
        watchService = new WatchService(watchHub, this::header, config.member().maxRequestBytes(),
                config.experimental().watchProgressNotifyInterval(), workers, timers);
        for (URI url : config.member().listenClientUrls()) {
            if (!"http".equals(url.getScheme())) {
                throw new StartupException("listen client URL " + url + ": only http:// is served in this build (TLS comes with the security issue)");
            }
            InetSocketAddress address = new InetSocketAddress(url.getHost(), url.getPort());
            Server grpc = NettyServerBuilder.forAddress(address, InternalNettyServerCredentials.create(new ClientPortNegotiator(this)))
                    .maxInboundMessageSize(maxInbound)
                    .permitKeepAliveWithoutCalls(true)
                    .permitKeepAliveTime(5, TimeUnit.SECONDS)
                    .addService(new KvService(this))
                    .addService(new MaintenanceService(this, config.member().dataDir().resolve("member"), workers))
                    .addService(new ClusterService(this::members))
                    .addService(watchService)
                    .build();
            try {
                grpc.start();
            } catch (IOException e) {
                throw new StartupException("cannot listen for client requests on " + url + ": " + e.getMessage()
                        + "; is another etcd or etcetera already using it?");
            }
            grpcServers.add(grpc);
            for (var bound : grpc.getListenSockets()) {
                if (bound instanceof InetSocketAddress inet) {
                    boundClientAddresses.add(inet);
                }
            }
        }
    }

    /** Runs {@code --auto-compaction-mode}/{@code --auto-compaction-retention}: compactions go through the log like a client's. */
    private void startAutoCompaction() {
        AutoCompaction policy = switch (config.cluster().autoCompaction()) {
            case ServerConfig.AutoCompaction.Disabled disabled -> null;
            case ServerConfig.AutoCompaction.Periodic periodic -> new AutoCompaction.Periodic(periodic.retention());
            case ServerConfig.AutoCompaction.Revision revision -> new AutoCompaction.ByRevision(revision.retainedRevisions());
        };
        if (policy == null) {
            return;
        }
        AutoCompactor compactor = AutoCompactor.create(policy, InstantSource.system(), store::currentRevision, revision -> {
            try {
                compact(CompactionRequest.newBuilder().setRevision(revision).build()).get(30, TimeUnit.SECONDS);
                System.getLogger("compactor").log(Level.INFO, "completed auto compaction revision=" + revision);
                return true;
            } catch (ExecutionException e) {
                return e.getCause() instanceof EtcdException etcd && etcd.error() == EtcdError.COMPACTED;
            } catch (TimeoutException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        autoCompaction = compactor.start(timers);
        LOG.log(Level.INFO, "auto compaction enabled policy=" + policy);
    }

    /** The addresses the client listeners are bound to (useful with port 0). */
    public List<InetSocketAddress> clientAddresses() {
        return List.copyOf(boundClientAddresses);
    }

    // ---- KV -------------------------------------------------------------------------------

    @Override
    public CompletableFuture<RangeResponse> range(RangeRequest request) {
        try {
            RequestChecks.checkRange(request);
            return CompletableFuture.completedFuture(applier.range(request));
        } catch (EtcdException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<PutResponse> put(PutRequest request) {
        try {
            RequestChecks.checkPut(request);
        } catch (EtcdException e) {
            return CompletableFuture.failedFuture(e);
        }
        return propose(InternalRequest.newBuilder().setPut(request), PutResponse.class, RequestChecks.quotaCost(request));
    }

    @Override
    public CompletableFuture<DeleteRangeResponse> deleteRange(DeleteRangeRequest request) {
        try {
            RequestChecks.checkDeleteRange(request);
        } catch (EtcdException e) {
            return CompletableFuture.failedFuture(e);
        }
        return propose(InternalRequest.newBuilder().setDeleteRange(request), DeleteRangeResponse.class, 0);
    }

    @Override
    public CompletableFuture<TxnResponse> txn(TxnRequest request) {
        try {
            RequestChecks.checkTxn(request, config.member().maxTxnOps());
            if (RequestChecks.isReadOnly(request)) {
                return CompletableFuture.completedFuture(applier.txnReadOnly(request));
            }
        } catch (EtcdException e) {
            return CompletableFuture.failedFuture(e);
        }
        return propose(InternalRequest.newBuilder().setTxn(request), TxnResponse.class, RequestChecks.quotaCost(request));
    }

    @Override
    public CompletableFuture<CompactionResponse> compact(CompactionRequest request) {
        CompletableFuture<CompactionResponse> accepted =
                propose(InternalRequest.newBuilder().setCompaction(request), CompactionResponse.class, 0);
        if (!request.getPhysical()) {
            return accepted;
        }
        return accepted.thenCompose(response -> applier.compactionsDone().thenApply(done -> response));
    }

    /**
     * @param quotaCost what etcd estimates the request adds to the backend; a request that adds
     *     nothing passes even while NOSPACE is raised (deletes and compactions free space)
     */
    private <T> CompletableFuture<T> propose(InternalRequest.Builder request, Class<T> type, long quotaCost) {
        long id = requestIds.next();
        byte[] data = request.setId(id).build().toByteArray();
        if (data.length > config.member().maxRequestBytes()) {
            return CompletableFuture.failedFuture(EtcdError.REQUEST_TOO_LARGE.exception());
        }
        if (quotaCost > 0 && (alarms.noSpace() || backend.size() + quotaCost >= quotaBytes)) {
            alarms.raise(identity.memberId(), AlarmType.NOSPACE);
            return CompletableFuture.failedFuture(EtcdError.NO_SPACE.exception());
        }
        return node.propose(id, data).thenApply(type::cast);
    }

    // ---- Maintenance and cluster ----------------------------------------------------------

    ResponseHeader header(long revision) {
        return header(identity, node.term(), revision);
    }

    private static ResponseHeader header(MemberIdentity identity, long term, long revision) {
        return ResponseHeader.newBuilder()
                .setClusterId(identity.clusterId())
                .setMemberId(identity.memberId())
                .setRevision(revision)
                .setRaftTerm(term)
                .build();
    }

    @Override
    public ResponseHeader header() {
        return header(store.currentRevision());
    }

    @Override
    public StatusResponse status() {
        return StatusResponse.newBuilder()
                .setHeader(header())
                .setVersion(ETCD_VERSION)
                .setDbSize(backend.size())
                .setDbSizeInUse(backend.sizeInUse())
                .setLeader(identity.memberId())
                .setRaftIndex(node.lastIndex())
                .setRaftTerm(node.term())
                .setRaftAppliedIndex(node.appliedIndex())
                .addAllErrors(alarms.describe())
                .setIsLearner(false)
                .build();
    }

    @Override
    public DefragmentResponse defragment() {
        LOG.log(Level.INFO, "defragmenting backend size-bytes=" + backend.size() + " in-use-bytes=" + backend.sizeInUse());
        long before = backend.size();
        backend.defragment(Progress.none());
        LOG.log(Level.INFO, "defragmented backend size-before-bytes=" + before + " size-after-bytes=" + backend.size());
        return DefragmentResponse.newBuilder().setHeader(header()).build();
    }

    @Override
    public CompletableFuture<AlarmResponse> alarm(AlarmRequest request) {
        return CompletableFuture.completedFuture(AlarmResponse.newBuilder()
                .setHeader(header())
                .addAllAlarms(alarms.handle(request))
                .build());
    }

    @Override
    public HashResponse hash() {
        return HashResponse.newBuilder().setHeader(header()).setHash((int) store.hash()).build();
    }

    @Override
    public HashKVResponse hashKV(long revision) {
        KvHash hash = store.hashKV(revision);
        return HashKVResponse.newBuilder().setHeader(header()).setHash((int) hash.hash())
                .setCompactRevision(hash.compactRevision()).build();
    }

    @Override
    public MoveLeaderResponse moveLeader(long targetId) {
        if (targetId != identity.memberId()) {
            throw EtcdError.BAD_LEADER_TRANSFEREE.exception();
        }
        return MoveLeaderResponse.newBuilder().setHeader(header()).build();
    }

    @Override
    public Path snapshotToFile(Path directory) {
        try {
            Path file = Files.createTempFile(directory, "snapshot-", ".part");
            try (OutputStream out = Files.newOutputStream(file)) {
                backend.writeSnapshot(out, Progress.none());
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("writing the snapshot failed", e);
        }
    }

    @Override
    public boolean healthy() {
        return node.failure() == null && !alarms.any();
    }

    @Override
    public String serverVersion() {
        return Version.ETCD;
    }

    @Override
    public String clusterVersion() {
        return Version.ETCD_CLUSTER;
    }

    @Override
    public long clusterId() {
        return identity.clusterId();
    }

    @Override
    public String membersJson() {
        return "[{\"id\":" + Long.toUnsignedString(identity.memberId())
                + ",\"peerURLs\":" + jsonList(config.cluster().initialAdvertisePeerUrls())
                + ",\"name\":" + HttpReplies.jsonString(config.member().name())
                + ",\"clientURLs\":" + jsonList(config.cluster().advertiseClientUrls()) + "}]";
    }

    private static String jsonList(List<URI> urls) {
        return urls.stream().map(u -> HttpReplies.jsonString(u.toString())).collect(Collectors.joining(",", "[", "]"));
    }

    @Override
    public String versionJson() {
        return "{\"etcdserver\":\"" + Version.ETCD + "\",\"etcdcluster\":\"" + Version.ETCD_CLUSTER + "\"}";
    }

    MemberListResponse members() {
        return MemberListResponse.newBuilder()
                .setHeader(header())
                .addMembers(etcetera.wire.etcdserverpb.Member.newBuilder()
                        .setID(identity.memberId())
                        .setName(config.member().name())
                        .addAllPeerURLs(config.cluster().initialAdvertisePeerUrls().stream().map(URI::toString).toList())
                        .addAllClientURLs(config.cluster().advertiseClientUrls().stream().map(URI::toString).toList())
                        .build())
                .build();
    }

    /** Stops serving, finishes what is in flight, and closes the data. */
    @Override
    public void close() {
        LOG.log(Level.INFO, "stopping member member-id=" + identity.memberHex());
        if (watchService != null) {
            watchService.close();
        }
        for (Server grpc : grpcServers) {
            grpc.shutdown();
        }
        for (Server grpc : grpcServers) {
            try {
                if (!grpc.awaitTermination(5, TimeUnit.SECONDS)) {
                    grpc.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                grpc.shutdownNow();
            }
        }
        try {
            autoCompaction.close();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "stopping auto compaction failed: " + e);
        }
        timers.shutdownNow();
        if (peers != null) {
            peers.close();
        }
        node.close();
        watchHub.close();
        workers.shutdownNow();
        store.close();
        backend.close();
        LOG.log(Level.INFO, "stopped member member-id=" + identity.memberHex());
    }
}
