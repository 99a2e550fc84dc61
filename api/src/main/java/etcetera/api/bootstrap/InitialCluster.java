package etcetera.api.bootstrap;

import java.util.List;

/**
 * The resolved initial membership of a new cluster.
 *
 * @param clusterId the cluster ID every member computes the same way
 * @param members the members, each with its ID
 */
public record InitialCluster(long clusterId, List<Member> members) {

    public InitialCluster {
        members = List.copyOf(members);
    }
}
