/** Cluster bootstrap from {@code --initial-cluster} (the static strategy). */
module etcetera.discovery.fixed {
    requires etcetera.api;

    provides etcetera.api.bootstrap.ClusterBootstrap with etcetera.discovery.fixed.StaticClusterBootstrap;
}
