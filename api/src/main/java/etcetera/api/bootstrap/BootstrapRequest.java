package etcetera.api.bootstrap;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * What a bootstrap strategy needs to know from the configuration.
 *
 * @param name this member's name ({@code --name})
 * @param advertisePeerUrls this member's advertised peer URLs ({@code --initial-advertise-peer-urls})
 * @param initialCluster the raw {@code --initial-cluster} value ({@code name=url,...}), may be empty
 * @param clusterToken {@code --initial-cluster-token}
 * @param settings other strategy-specific settings by etcd flag name without dashes
 *     (e.g. {@code discovery-srv}), never {@code null}
 */
public record BootstrapRequest(
        String name,
        List<URI> advertisePeerUrls,
        String initialCluster,
        String clusterToken,
        Map<String, String> settings) {

    public BootstrapRequest {
        advertisePeerUrls = List.copyOf(advertisePeerUrls);
        settings = Map.copyOf(settings);
    }
}
