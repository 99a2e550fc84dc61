package etcetera.server.apply;

import etcetera.wire.etcdserverpb.ResponseHeader;

/**
 * Makes the response header of this member at a revision: the server fills in the cluster ID,
 * member ID and raft term. Asked on the apply thread and on reading threads.
 */
@FunctionalInterface
public interface ResponseHeaders {

    ResponseHeader at(long revision);
}
