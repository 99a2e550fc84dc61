/**
 * Robustness testing of an etcd-compatible cluster: the history model and its JSON-lines
 * file ({@code etcetera.robustness.history}), the linearizability and watch checkers
 * ({@code etcetera.robustness.check}), and the recorder that drives real processes through
 * etcd's gRPC API while faults are injected ({@code etcetera.robustness.run}).
 */
module etcetera.robustness {
    requires etcetera.wire;
    // CPU time of a check, reported beside wall time (the machines these run on are shared).
    requires java.management;
    requires io.grpc.netty;
    // grpc-netty is an automatic module and declares nothing; Netty 4.2 jars are named
    // modules, so they are only resolved if someone requires them.
    requires io.netty.codec.http2;
    requires info.picocli;

    exports etcetera.robustness.history;
    exports etcetera.robustness.check;
    exports etcetera.robustness.run;

    opens etcetera.robustness.run to info.picocli;
}
