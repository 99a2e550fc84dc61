/** The etcdctl-compatible CLI, offline tools and the benchmark tool. */
module etcetera.cli {
    requires etcetera.api;
    requires etcetera.wire;
    requires io.grpc.netty;
    // grpc-netty is an automatic module and declares nothing; Netty 4.2 jars are named
    // modules, so they are only resolved if someone requires them.
    requires io.netty.codec.http2;
    requires info.picocli;
    requires HdrHistogram;

    opens etcetera.cli to info.picocli;
    opens etcetera.cli.benchmark to info.picocli;
    opens etcetera.cli.snapshot to info.picocli;
}
