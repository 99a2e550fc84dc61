package etcetera.api.bootstrap;

import java.net.URI;
import java.util.List;

/**
 * A cluster member as membership knows it.
 *
 * @param id the member ID (derived from its peer URLs and the cluster token, as etcd does)
 * @param name the member name, empty until a member added at runtime has started
 * @param peerUrls the URLs peers reach it on
 * @param clientUrls the URLs clients reach it on, empty until it has published them
 * @param learner whether it is a non-voting learner
 */
public record Member(long id, String name, List<URI> peerUrls, List<URI> clientUrls, boolean learner) {

    public Member {
        peerUrls = List.copyOf(peerUrls);
        clientUrls = List.copyOf(clientUrls);
    }
}
