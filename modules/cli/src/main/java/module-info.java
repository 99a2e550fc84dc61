/** The etcdctl-compatible CLI, offline tools and the benchmark tool. */
module etcetera.cli {
    requires etcetera.api;
    requires etcetera.wire;
    requires io.grpc.netty;
    requires info.picocli;
    requires HdrHistogram;

    opens etcetera.cli to info.picocli;
}
