package etcetera.cli.benchmark;

import io.grpc.Channel;

/**
 * What a benchmark sends. {@link #client} is called once on each client thread to bind the
 * workload to that client's connection; the returned {@link Client} is then used by that
 * thread only. Workloads themselves hold no mutable state.
 */
@FunctionalInterface
interface Workload {

    Client client(Channel channel);

    /** One client's sender: issues request number {@code sequence} and returns once answered. */
    @FunctionalInterface
    interface Client {
        void issue(long sequence);
    }
}
