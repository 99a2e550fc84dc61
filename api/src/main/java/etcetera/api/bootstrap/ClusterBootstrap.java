package etcetera.api.bootstrap;

import java.util.Optional;

/**
 * Turns configuration into the initial membership of a new cluster. Stateless; a provider
 * is registered with {@code provides etcetera.api.bootstrap.ClusterBootstrap with ...}.
 */
public interface ClusterBootstrap {

    /** The name of the strategy, e.g. {@code static}, {@code dns}, {@code url}. */
    String name();

    /**
     * Whether this strategy is the one the configuration asks for (e.g. {@code --discovery-srv}
     * set selects {@code dns}).
     */
    boolean appliesTo(BootstrapRequest request);

    /**
     * Resolves the initial members.
     *
     * @throws BootstrapException with a message for the operator if the configuration is
     *     inconsistent (e.g. this member's name is not in {@code --initial-cluster})
     */
    InitialCluster resolve(BootstrapRequest request);

    /** Finds a member of the resolved cluster by name. */
    static Optional<Member> member(InitialCluster cluster, String name) {
        return cluster.members().stream().filter(m -> m.name().equals(name)).findFirst();
    }
}
