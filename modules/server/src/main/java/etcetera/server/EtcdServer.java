package etcetera.server;

import etcetera.api.bootstrap.BootstrapRequest;
import etcetera.api.bootstrap.ClusterBootstrap;
import etcetera.api.bootstrap.InitialCluster;
import etcetera.api.bootstrap.Member;
import etcetera.api.storage.Backend;
import etcetera.api.storage.BackendOptions;
import etcetera.api.storage.Progress;
import etcetera.api.storage.StorageEngine;
import etcetera.raft.wal.Wal;
import etcetera.raft.wal.WalOptions;
import etcetera.server.apply.Applier;
import etcetera.server.apply.RequestChecks;
import etcetera.server.config.ServerConfig;
import etcetera.server.config.Version;
import etcetera.server.errors.EtcdError;
import etcetera.server.errors.EtcdException;
import etcetera.server.grpc.ClusterService;
import etcetera.server.grpc.KeyValueApi;
import etcetera.server.grpc.KvService;
import etcetera.server.grpc.LeaseService;
import etcetera.server.grpc.LockService;
import etcetera.server.grpc.ElectionService;
import etcetera.server.concurrency.Elections;
import etcetera.server.concurrency.KeyChanges;
import etcetera.server.concurrency.Locks;
import etcetera.server.concurrency.WatchedKeyChanges;
import etcetera.server.lease.Lessor;
import etcetera.server.lease.LessorOptions;
import etcetera.server.grpc.MaintenanceApi;
import etcetera.server.grpc.MaintenanceService;
import etcetera.server.grpc.WatchService;
import etcetera.server.http.ClientPortNegotiator;
import etcetera.server.http.HttpApi;
import etcetera.server.http.HttpReplies;
import etcetera.server.transport.PeerApi;
import etcetera.server.transport.NettyRaftTransport;
import etcetera.server.transport.PeerListener;
import etcetera.server.transport.TransportOptions;
import etcetera.server.mvcc.AutoCompaction;
import etcetera.server.mvcc.AutoCompactor;
import etcetera.server.mvcc.KvHash;
import etcetera.server.mvcc.MvccStore;
import etcetera.server.node.RequestIds;
import etcetera.server.node.RaftNode;
import etcetera.server.watch.WatchHub;
import etcetera.server.watch.WatchOptions;
import etcetera.server.membership.ClusterMembers;
import etcetera.server.transport.RaftInbound;
import etcetera.server.transport.RaftTransport;
import etcetera.raft.MemoryRaftStorage;
import etcetera.raft.RaftOptions;
import etcetera.raft.wal.Snapshotter;
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
import java.time.Duration;
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
    private final RaftNode node;
    private final ClusterMembers members;
    private volatile boolean closing;
    private final java.util.concurrent.atomic.AtomicBoolean raisingNoSpace = new java.util.concurrent.atomic.AtomicBoolean();
    private final CompletableFuture<StopReason> stopRequested = new CompletableFuture<>();

    /**
     * Why the member stops by itself.
     *
     * @param message what happened and what to do, for the log
     * @param exitStatus the process exit status
     */
    public record StopReason(String message, int exitStatus) {
    }
    /** Makes the peer transport; the netty transport on the peer URLs in production. */
    private final java.util.function.Function<RaftInbound, RaftTransport> transportFactory;
    private final RequestIds requestIds;
    private final Alarms alarms;
    private final ExecutorService workers;
    private final List<Server> grpcServers = new ArrayList<>();
    private final List<InetSocketAddress> boundClientAddresses = new ArrayList<>();
    private final long quotaBytes;
    private final ScheduledExecutorService timers =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("etcetera-timers").daemon().factory());
    private AutoCloseable autoCompaction = () -> { };
    private MembershipChanges membershipChanges;
    private PeerLinks peerLinks;
    private PeerListener peers;
    private WatchHub watchHub;
    private WatchService watchService;
    private Lessor lessor;
    private LeaseEndpoint leases;
    private AutoCloseable leaseExpiry = () -> { };

    private EtcdServer(ServerConfig config, MemberIdentity identity, Backend backend, MvccStore store, Applier applier,
            RaftNode node, Alarms alarms, ClusterMembers members) {
        this.config = config;
        this.members = members;
        this.transportFactory = inbound -> NettyRaftTransport.start(
                TransportOptions.of(identity.memberId(), identity.clusterId(), config.member().dataDir().resolve("member").resolve("snap")),
                inbound, (snapshot, out) -> backend.writeSnapshot(out, Progress.none()));
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
        Path snapDir = memberDir.resolve("snap");
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
        ClusterMembers members = new ClusterMembers();
        members.load(backend);
        Lessor lessor = Lessor.open(backend, store, LessorOptions.forRaft(config.member().electionTicks(), config.member().heartbeatInterval()));

        WalOptions walOptions = WalOptions.defaults().withMaxWals(config.member().maxWals()).withMaxSnapshots(config.member().maxSnapshots());
        Snapshotter snapshotter = new Snapshotter(snapDir, walOptions);
        MemberIdentity identity;
        RaftNode.Log log;
        Map<Long, byte[]> bootstrapVoters = Map.of();
        List<etcetera.wire.etcdserverpb.Member> knownPeers = List.of();
        if (Wal.exists(walDir)) {
            log = RaftNode.readLog(Wal.open(walDir, walOptions), snapshotter);
            identity = MemberIdentity.decode(log.metadata());
            long snapshotIndex = log.storage().snapshot().index();
            if (store.consistentIndex() < snapshotIndex) {
                // the snapshot was recorded but the backend image that came with it not yet restored
                Path image = RaftNode.imageFile(snapDir, snapshotIndex);
                LOG.log(Level.INFO, "restoring the backend from the snapshot image received before the restart file=" + image);
                try (var in = new java.io.BufferedInputStream(Files.newInputStream(image), 1 << 16)) {
                    store.replaceWith(in);
                } catch (IOException e) {
                    throw new StartupException("the backend is behind the last snapshot (index " + snapshotIndex
                            + ") and its image " + image + " cannot be read: " + e.getMessage());
                }
                members.load(backend);
            }
            LOG.log(Level.INFO, "restarting member; --initial-cluster flags are ignored, the data dir says who this member is"
                    + " member-id=" + identity.memberHex() + " cluster-id=" + identity.clusterHex()
                    + " snapshot-index=" + snapshotIndex + " wal-last-index=" + log.storage().lastIndex()
                    + " backend-applied-index=" + store.consistentIndex());
        } else {
            InitialCluster cluster = bootstrap(config);
            Member me = ClusterBootstrap.member(cluster, config.member().name())
                    .orElseThrow(() -> new StartupException("member " + config.member().name() + " is not in --initial-cluster"));
            if (config.cluster().initialClusterState() == ServerConfig.ClusterState.EXISTING) {
                ExistingCluster existing = ExistingCluster.join(cluster, me);
                identity = new MemberIdentity(existing.memberId(), existing.clusterId());
                knownPeers = existing.members();
            } else {
                identity = new MemberIdentity(me.id(), cluster.clusterId());
                Map<Long, byte[]> voters = new java.util.LinkedHashMap<>();
                for (Member m : cluster.members()) {
                    voters.put(m.id(), etcetera.wire.etcdserverpb.Member.newBuilder().setID(m.id()).setName(m.name())
                            .addAllPeerURLs(m.peerUrls().stream().map(URI::toString).toList()).build().toByteArray());
                }
                bootstrapVoters = voters;
            }
            log = new RaftNode.Log(Wal.create(walDir, walOptions, identity.encode()), snapshotter, new MemoryRaftStorage(), identity.encode());
            LOG.log(Level.INFO, "starting a new member member-id=" + identity.memberHex() + " cluster-id=" + identity.clusterHex()
                    + " initial-cluster-state=" + config.cluster().initialClusterState().name().toLowerCase(java.util.Locale.ROOT));
        }
        Alarms alarms = new Alarms();
        RaftNode[] nodeRef = new RaftNode[1];
        Applier applier = new Applier(store, revision -> header(identity, nodeRef[0] == null ? 0 : nodeRef[0].term(), revision),
                lessor, alarms::noSpace);
        PeerLinks peerLinks = new PeerLinks(identity.memberId());
        CompletableFuture<StopReason> removal = new CompletableFuture<>();
        peerLinks.whenSelfRemoved(() -> removal.complete(new StopReason(
                "the member has been permanently removed from the cluster; stopping. To rejoin, add it again with"
                        + " etcdctl member add and start it with an empty data dir and --initial-cluster-state existing", 0)));
        alarms.load(backend);
        WatchHub watchHub = WatchHub.start(store, WatchOptions.defaults());
        KvStateMachine stateMachine = new KvStateMachine(store, applier, backend, members, peerLinks, alarms,
                revision -> header(identity, nodeRef[0] == null ? 0 : nodeRef[0].term(), revision), watchHub);
        ServerConfig.Member m = config.member();
        Duration tick = m.heartbeatInterval();
        RaftNode.Options nodeOptions = new RaftNode.Options(tick, m.snapshotCount(), config.experimental().snapshotCatchUpEntries(),
                Duration.ofSeconds(5).plus(m.electionTimeout().multipliedBy(2)));
        RaftOptions raftOptions = RaftOptions.defaults(identity.memberId()).withElectionTicks(Math.max(2, m.electionTicks()))
                .withHeartbeatTicks(1).withMaxSizePerMsg(1 << 20).withMaxInflightMsgs(4096 / 8);
        RaftNode node = new RaftNode(identity.memberId(), nodeOptions, raftOptions, log, stateMachine, bootstrapVoters);
        nodeRef[0] = node;
        // The lessor keeps expiries and serves keep-alives only while this member leads (etcd's promote/demote).
        node.onLeaderChange(soft -> {
            if (soft.role() == etcetera.raft.Role.LEADER) {
                lessor.promote(m.electionTimeout());
            } else {
                lessor.demote();
            }
        });
        EtcdServer server = new EtcdServer(config, identity, backend, store, applier, node, alarms, members);
        server.watchHub = watchHub;
        peerLinks.attach(node, server.transportFactory.apply(node), members);
        server.peerLinks = peerLinks;
        removal.thenAccept(server.stopRequested::complete);
        node.whenRemovedFromCluster(() -> peerLinks.removed(identity.memberId()));
        node.whenFailed(cause -> server.stopRequested.complete(new StopReason(
                "the member stopped after a fatal error (" + cause + "); check the log above and the disk, then restart it", 1)));
        server.membershipChanges = new MembershipChanges(identity.memberId(), identity.clusterId(), node, members,
                () -> peerLinks.transport().connectedPeers(), config.cluster().strictReconfigCheck(), server::header);
        for (etcetera.wire.etcdserverpb.Member peer : knownPeers) {
            peerLinks.added(peer);
        }
        for (etcetera.wire.etcdserverpb.Member peer : members.members()) {
            peerLinks.added(peer);
        }
        server.lessor = lessor;
        server.leases = new LeaseEndpoint(lessor, (request, cost) -> server.propose(request, Object.class, cost), server::header,
                server.requestIds, m.electionTimeout().multipliedBy(3));
        server.leaseExpiry = lessor.startExpiry(server.timers, server.leases::revokeExpired);
        server.leases.forwardWith(new LeaderLeases(identity.memberId(), node::leaderId,
                id -> members.member(id).<List<String>>map(etcetera.wire.etcdserverpb.Member::getClientURLsList).orElse(List.of()),
                nodeOptions.requestTimeout()));
        node.start(peerLinks.transport());
        server.startAutoCompaction();
        try {
            server.peers = PeerListener.start(config.member().listenPeerUrls(), server);
            if (peerLinks.transport() instanceof NettyRaftTransport netty) {
                server.peers.serveRaft(netty);
            }
        } catch (RuntimeException e) {
            server.close();
            throw new StartupException(e.getMessage());
        }
        System.getLogger("etcdserver/api").log(Level.INFO, "enabled capabilities for version " + CLUSTER_VERSION);
        server.serveClients();
        server.publish();
        if (backend.size() > server.quotaBytes) {
            server.raiseNoSpace();
        }
        EMBED.log(Level.INFO, "ready to serve client requests");
        for (InetSocketAddress address : server.boundClientAddresses) {
            EMBED.log(Level.INFO, "serving insecure client requests on " + address.getHostString() + ":" + address.getPort()
                    + ", this is strongly discouraged!");
        }
        return server;
    }

    /**
     * Makes this member's name and client URLs known to the cluster through the log, retrying
     * until a leader takes the proposal, as etcd's publish does. Waits up to a few seconds so
     * that a one-member cluster is fully up when start returns; keeps trying in the background.
     */
    private void publish() {
        etcetera.wire.etcdserverpb.Member attributes = etcetera.wire.etcdserverpb.Member.newBuilder()
                .setID(identity.memberId()).setName(config.member().name())
                .addAllClientURLs(config.cluster().advertiseClientUrls().stream().map(URI::toString).toList()).build();
        CompletableFuture<Void> published = new CompletableFuture<>();
        Thread.ofVirtual().name("etcetera-publish").start(() -> {
            while (!closing) {
                try {
                    propose(InternalRequest.newBuilder().setPublish(attributes), Object.class, 0).get(nodeTimeoutMillis(), TimeUnit.MILLISECONDS);
                    LOG.log(Level.INFO, "published {Name:" + config.member().name() + " ClientURLs:" + config.cluster().advertiseClientUrls()
                            + "} to cluster " + identity.clusterHex());
                    published.complete(null);
                    return;
                } catch (InterruptedException e) {
                    return;
                } catch (ExecutionException | TimeoutException e) {
                    if (closing) {
                        return;
                    }
                    LOG.log(Level.DEBUG, "publish not yet accepted, retrying error=" + e);
                    try {
                        Thread.sleep(config.member().heartbeatInterval().toMillis());
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
            }
        });
        try {
            published.get(members.members().size() <= 1 ? 5_000 : 0, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // a multi-member cluster serves once its leader is elected; requests wait for it
        }
    }

    private long nodeTimeoutMillis() {
        return 5_000 + 2 * config.member().electionTimeout().toMillis();
    }

    private static InitialCluster bootstrap(ServerConfig config) {
        BootstrapRequest request = new BootstrapRequest(config.member().name(), config.cluster().initialAdvertisePeerUrls(),
                config.cluster().initialCluster(), config.cluster().initialClusterToken(), Map.of());
        List<ClusterBootstrap> strategies = ServiceLoader.load(ClusterBootstrap.class).stream().map(ServiceLoader.Provider::get).toList();
        ClusterBootstrap strategy = strategies.stream().filter(s -> s.appliesTo(request)).findFirst()
                .orElseThrow(() -> new StartupException("no cluster bootstrap strategy applies to this configuration; present: "
                        + strategies.stream().map(ClusterBootstrap::name).collect(Collectors.joining(", "))));
        return strategy.resolve(request);
    }

    private void serveClients() {
        MemberKvClient self = new MemberKvClient(this, leases);
        KeyChanges keyChanges = new WatchedKeyChanges(watchHub, workers);
        Locks locks = new Locks(self, keyChanges);
        Elections elections = new Elections(self, keyChanges);
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
                    .addService(new LeaseService(leases))
                    .addService(new LockService(locks))
                    .addService(new ElectionService(elections))
                    .addService(new MaintenanceService(this, config.member().dataDir().resolve("member"), workers))
                    .addService(new ClusterService(membershipChanges))
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

    /**
     * Completes when the member must stop by itself: it was removed from the cluster (exit 0, as
     * etcd), or its node failed (exit 1).
     */
    public CompletableFuture<StopReason> stopRequested() {
        return stopRequested;
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
            if (request.getSerializable()) {
                return CompletableFuture.completedFuture(applier.range(request));
            }
            refuseOnLearner();
            return node.readBarrier().thenApplyAsync(index -> applier.range(request), workers);
        } catch (EtcdException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<PutResponse> put(PutRequest request) {
        try {
            RequestChecks.checkPut(request);
            refuseOnLearner();
        } catch (EtcdException e) {
            return CompletableFuture.failedFuture(e);
        }
        return propose(InternalRequest.newBuilder().setPut(request), PutResponse.class, RequestChecks.quotaCost(request));
    }

    @Override
    public CompletableFuture<DeleteRangeResponse> deleteRange(DeleteRangeRequest request) {
        try {
            RequestChecks.checkDeleteRange(request);
            refuseOnLearner();
        } catch (EtcdException e) {
            return CompletableFuture.failedFuture(e);
        }
        return propose(InternalRequest.newBuilder().setDeleteRange(request), DeleteRangeResponse.class, 0);
    }

    @Override
    public CompletableFuture<TxnResponse> txn(TxnRequest request) {
        try {
            RequestChecks.checkTxn(request, config.member().maxTxnOps());
            if (!RequestChecks.isReadOnly(request)) {
                refuseOnLearner();
            }
            if (RequestChecks.isReadOnly(request)) {
                if (RequestChecks.isSerializable(request)) {
                    return CompletableFuture.completedFuture(applier.txnReadOnly(request));
                }
                refuseOnLearner();
                return node.readBarrier().thenApplyAsync(index -> applier.txnReadOnly(request), workers);
            }
        } catch (EtcdException e) {
            return CompletableFuture.failedFuture(e);
        }
        return propose(InternalRequest.newBuilder().setTxn(request), TxnResponse.class, RequestChecks.quotaCost(request));
    }

    @Override
    public CompletableFuture<CompactionResponse> compact(CompactionRequest request) {
        if (isLearner()) {
            return CompletableFuture.failedFuture(EtcdError.NOT_SUPPORTED_FOR_LEARNER.exception());
        }
        CompletableFuture<CompactionResponse> accepted =
                propose(InternalRequest.newBuilder().setCompaction(request), CompactionResponse.class, 0);
        if (!request.getPhysical()) {
            return accepted;
        }
        return accepted.thenCompose(response -> applier.compactionsDone().thenApply(done -> response));
    }

    private boolean isLearner() {
        return members.member(identity.memberId()).map(etcetera.wire.etcdserverpb.Member::getIsLearner).orElse(false);
    }

    /** A learner serves only serializable reads, as in etcd; everything else is refused at once. */
    private void refuseOnLearner() {
        if (isLearner()) {
            throw EtcdError.NOT_SUPPORTED_FOR_LEARNER.exception();
        }
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
            raiseNoSpace();
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
                .setLeader(node.leaderId())
                .setRaftIndex(node.commitIndex())
                .setRaftTerm(node.term())
                .setRaftAppliedIndex(node.appliedIndex())
                .addAllErrors(statusErrors())
                .setIsLearner(isLearner())
                .build();
    }

    private List<String> statusErrors() {
        List<String> errors = new ArrayList<>(alarms.describe());
        if (node.leaderId() == 0) {
            errors.add(EtcdError.NO_LEADER.message());
        }
        return errors;
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
        if (request.getAction() == AlarmRequest.AlarmAction.GET) {
            return CompletableFuture.completedFuture(AlarmResponse.newBuilder().setHeader(header())
                    .addAllAlarms(alarms.raisedAlarms()).build());
        }
        return propose(InternalRequest.newBuilder().setAlarm(request), AlarmResponse.class, 0);
    }

    /**
     * Raises NOSPACE for this member through the log (so every member refuses writes), once
     * until it is disarmed; as etcd, the request that hit the quota fails at once either way.
     */
    private void raiseNoSpace() {
        if (alarms.noSpace() || !raisingNoSpace.compareAndSet(false, true)) {
            return;
        }
        AlarmRequest activate = AlarmRequest.newBuilder().setAction(AlarmRequest.AlarmAction.ACTIVATE)
                .setMemberID(identity.memberId()).setAlarm(AlarmType.NOSPACE).build();
        propose(InternalRequest.newBuilder().setAlarm(activate), AlarmResponse.class, 0)
                .whenComplete((response, failure) -> raisingNoSpace.set(false));
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
        if (node.leaderId() != identity.memberId()) {
            throw EtcdError.NOT_LEADER.exception();
        }
        boolean voter = members.member(targetId).map(m -> !m.getIsLearner()).orElse(false);
        if (!voter) {
            throw EtcdError.BAD_LEADER_TRANSFEREE.exception();
        }
        if (targetId != identity.memberId()) {
            LOG.log(Level.INFO, "leadership transfer starting from " + identity.memberHex() + " to " + Long.toHexString(targetId));
            CompletableFuture<Void> transferred = node.leaderBecomes(targetId);
            node.call(raw -> raw.transferLeader(targetId));
            try {
                transferred.get(nodeTimeoutMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                throw EtcdError.TIMEOUT_LEADER_TRANSFER.exception();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw EtcdError.STOPPED.exception();
            }
            LOG.log(Level.INFO, "leadership transferred to " + Long.toHexString(targetId));
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
        return node.failure() == null && !alarms.any() && node.leaderId() != 0;
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
        return members.members().stream().map(m -> "{\"id\":" + Long.toUnsignedString(m.getID())
                + ",\"peerURLs\":" + jsonList(m.getPeerURLsList())
                + ",\"name\":" + HttpReplies.jsonString(m.getName())
                + ",\"clientURLs\":" + jsonList(m.getClientURLsList()) + "}").collect(Collectors.joining(",", "[", "]"));
    }

    @Override
    public byte[] membersProto() {
        return MemberListResponse.newBuilder().setHeader(header()).addAllMembers(members.members()).build().toByteArray();
    }

    private static String jsonList(List<String> urls) {
        return urls.stream().map(HttpReplies::jsonString).collect(Collectors.joining(",", "[", "]"));
    }

    @Override
    public CompletableFuture<byte[]> promoteForPeer(long learnerId) {
        return membershipChanges.promoteForPeer(learnerId);
    }

    @Override
    public String versionJson() {
        return "{\"etcdserver\":\"" + Version.ETCD + "\",\"etcdcluster\":\"" + Version.ETCD_CLUSTER + "\"}";
    }

    /** Stops serving, finishes what is in flight, and closes the data. */
    @Override
    public void close() {
        LOG.log(Level.INFO, "stopping member member-id=" + identity.memberHex());
        closing = true;
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
            leaseExpiry.close();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "stopping auto compaction failed: " + e);
        }
        timers.shutdownNow();
        if (peers != null) {
            peers.close();
        }
        node.close();
        if (lessor != null) {
            lessor.close();
            leases.close();
        }
        if (peerLinks != null) {
            peerLinks.close();
        }
        watchHub.close();
        workers.shutdownNow();
        store.close();
        backend.close();
        LOG.log(Level.INFO, "stopped member member-id=" + identity.memberHex());
    }
}
