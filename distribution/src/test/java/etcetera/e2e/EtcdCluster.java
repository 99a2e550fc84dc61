package etcetera.e2e;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A cluster of server processes on loopback (ours or the real etcd), members named m1..mN,
 * started together as etcd's static bootstrap requires. Used by one test thread.
 */
final class EtcdCluster implements AutoCloseable {

    private final List<EtcdProcess> members = new ArrayList<>();

    private EtcdCluster() {
    }

    /** Prepares {@code size} members with data dirs under {@code root}, and starts them all. */
    static EtcdCluster start(Path binary, Path root, int size, String... flags) {
        EtcdCluster cluster = new EtcdCluster();
        List<int[]> ports = IntStream.range(0, size).mapToObj(i -> new int[] {EtcdProcess.freePort(), EtcdProcess.freePort()}).toList();
        String initial = IntStream.range(0, size).mapToObj(i -> "m" + (i + 1) + "=http://127.0.0.1:" + ports.get(i)[1])
                .collect(Collectors.joining(","));
        List<String> common = new ArrayList<>(List.of("--initial-cluster-token=etcetera-e2e", "--initial-cluster-state=new"));
        common.addAll(List.of(flags));
        for (int i = 0; i < size; i++) {
            cluster.members.add(new EtcdProcess(binary, root.resolve("m" + (i + 1)), ports.get(i)[0], ports.get(i)[1], common)
                    .asMember("m" + (i + 1), initial));
        }
        try {
            CompletableFuture.allOf(cluster.members.stream()
                    .map(m -> CompletableFuture.runAsync(m::start)).toArray(CompletableFuture[]::new)).join();
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    EtcdProcess member(int index) {
        return members.get(index);
    }

    List<EtcdProcess> members() {
        return List.copyOf(members);
    }

    /** Every member's client endpoint, comma-separated, as etcdctl's --endpoints takes them. */
    String endpoints() {
        return members.stream().map(EtcdProcess::hostPort).collect(Collectors.joining(","));
    }

    List<String> endpointList() {
        return members.stream().map(EtcdProcess::endpoint).toList();
    }

    @Override
    public void close() {
        members.forEach(EtcdProcess::close);
    }
}
