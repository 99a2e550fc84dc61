package etcetera.discovery.fixed;

import etcetera.api.bootstrap.BootstrapRequest;
import etcetera.api.bootstrap.ClusterBootstrap;
import etcetera.api.bootstrap.InitialCluster;

/** Bootstrap from {@code --initial-cluster}. (Skeleton: being written.) */
public final class StaticClusterBootstrap implements ClusterBootstrap {

    @Override
    public String name() {
        return "static";
    }

    @Override
    public boolean appliesTo(BootstrapRequest request) {
        return true;
    }

    @Override
    public InitialCluster resolve(BootstrapRequest request) {
        throw new UnsupportedOperationException("not yet");
    }
}
