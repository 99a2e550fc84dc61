package etcetera.server.apply;

import etcetera.wire.etcdserverpb.ResponseHeader;

/** Makes the response header of a member (cluster ID, member ID, raft term) at a revision. */
@FunctionalInterface
public interface ResponseHeaders {
    ResponseHeader at(long revision);
}
