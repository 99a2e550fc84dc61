package etcetera.server.errors;

/**
 * The errors a client of etcd's v3 API can get, each with the gRPC status code and the exact
 * message text etcd 3.4 uses, so that clients that match on them (etcdctl, clientv3, jetcd)
 * behave unchanged. Raised inside the server as {@link EtcdException} and mapped to a gRPC
 * status once, at the API layer.
 */
public enum EtcdError {
    EMPTY_KEY(StatusCode.INVALID_ARGUMENT, "etcdserver: key is not provided"),
    KEY_NOT_FOUND(StatusCode.INVALID_ARGUMENT, "etcdserver: key not found"),
    VALUE_PROVIDED(StatusCode.INVALID_ARGUMENT, "etcdserver: value is provided"),
    LEASE_PROVIDED(StatusCode.INVALID_ARGUMENT, "etcdserver: lease is provided"),
    TOO_MANY_OPS(StatusCode.INVALID_ARGUMENT, "etcdserver: too many operations in txn request"),
    DUPLICATE_KEY(StatusCode.INVALID_ARGUMENT, "etcdserver: duplicate key given in txn request"),
    COMPACTED(StatusCode.OUT_OF_RANGE, "etcdserver: mvcc: required revision has been compacted"),
    FUTURE_REV(StatusCode.OUT_OF_RANGE, "etcdserver: mvcc: required revision is a future revision"),
    NO_SPACE(StatusCode.RESOURCE_EXHAUSTED, "etcdserver: mvcc: database space exceeded"),
    LEASE_NOT_FOUND(StatusCode.NOT_FOUND, "etcdserver: requested lease not found"),
    LEASE_EXIST(StatusCode.FAILED_PRECONDITION, "etcdserver: lease already exists"),
    LEASE_TTL_TOO_LARGE(StatusCode.OUT_OF_RANGE, "etcdserver: too large lease TTL"),
    WATCH_CANCELED(StatusCode.CANCELLED, "etcdserver: watch canceled"),
    MEMBER_EXIST(StatusCode.FAILED_PRECONDITION, "etcdserver: member ID already exist"),
    PEER_URL_EXIST(StatusCode.FAILED_PRECONDITION, "etcdserver: Peer URLs already exists"),
    MEMBER_NOT_ENOUGH_STARTED(StatusCode.FAILED_PRECONDITION, "etcdserver: re-configuration failed due to not enough started members"),
    MEMBER_BAD_URLS(StatusCode.INVALID_ARGUMENT, "etcdserver: given member URLs are invalid"),
    MEMBER_NOT_FOUND(StatusCode.NOT_FOUND, "etcdserver: member not found"),
    MEMBER_NOT_LEARNER(StatusCode.FAILED_PRECONDITION, "etcdserver: can only promote a learner member"),
    LEARNER_NOT_READY(StatusCode.FAILED_PRECONDITION, "etcdserver: can only promote a learner member which is in sync with leader"),
    TOO_MANY_LEARNERS(StatusCode.FAILED_PRECONDITION, "etcdserver: too many learner members in cluster"),
    REQUEST_TOO_LARGE(StatusCode.INVALID_ARGUMENT, "etcdserver: request is too large"),
    TOO_MANY_REQUESTS(StatusCode.RESOURCE_EXHAUSTED, "etcdserver: too many requests"),
    ROOT_USER_NOT_EXIST(StatusCode.FAILED_PRECONDITION, "etcdserver: root user does not exist"),
    ROOT_ROLE_NOT_EXIST(StatusCode.FAILED_PRECONDITION, "etcdserver: root user does not have root role"),
    USER_ALREADY_EXIST(StatusCode.FAILED_PRECONDITION, "etcdserver: user name already exists"),
    USER_EMPTY(StatusCode.INVALID_ARGUMENT, "etcdserver: user name is empty"),
    USER_NOT_FOUND(StatusCode.FAILED_PRECONDITION, "etcdserver: user name not found"),
    ROLE_ALREADY_EXIST(StatusCode.FAILED_PRECONDITION, "etcdserver: role name already exists"),
    ROLE_NOT_FOUND(StatusCode.FAILED_PRECONDITION, "etcdserver: role name not found"),
    ROLE_EMPTY(StatusCode.INVALID_ARGUMENT, "etcdserver: role name is empty"),
    AUTH_FAILED(StatusCode.INVALID_ARGUMENT, "etcdserver: authentication failed, invalid user ID or password"),
    PERMISSION_DENIED(StatusCode.PERMISSION_DENIED, "etcdserver: permission denied"),
    ROLE_NOT_GRANTED(StatusCode.FAILED_PRECONDITION, "etcdserver: role is not granted to the user"),
    PERMISSION_NOT_GRANTED(StatusCode.FAILED_PRECONDITION, "etcdserver: permission is not granted to the role"),
    AUTH_NOT_ENABLED(StatusCode.FAILED_PRECONDITION, "etcdserver: authentication is not enabled"),
    INVALID_AUTH_TOKEN(StatusCode.UNAUTHENTICATED, "etcdserver: invalid auth token"),
    INVALID_AUTH_MGMT(StatusCode.INVALID_ARGUMENT, "etcdserver: invalid auth management"),
    AUTH_OLD_REVISION(StatusCode.INVALID_ARGUMENT, "etcdserver: revision of auth store is old"),
    NO_LEADER(StatusCode.UNAVAILABLE, "etcdserver: no leader"),
    NOT_LEADER(StatusCode.FAILED_PRECONDITION, "etcdserver: not leader"),
    LEADER_CHANGED(StatusCode.UNAVAILABLE, "etcdserver: leader changed"),
    NOT_CAPABLE(StatusCode.UNAVAILABLE, "etcdserver: not capable"),
    STOPPED(StatusCode.UNAVAILABLE, "etcdserver: server stopped"),
    TIMEOUT(StatusCode.UNAVAILABLE, "etcdserver: request timed out"),
    TIMEOUT_DUE_TO_LEADER_FAIL(StatusCode.UNAVAILABLE, "etcdserver: request timed out, possibly due to previous leader failure"),
    TIMEOUT_DUE_TO_CONNECTION_LOST(StatusCode.UNAVAILABLE, "etcdserver: request timed out, possibly due to connection lost"),
    TIMEOUT_LEADER_TRANSFER(StatusCode.UNAVAILABLE, "etcdserver: request timed out, leader transfer took too long"),
    TIMEOUT_WAIT_APPLIED_INDEX(StatusCode.UNAVAILABLE, "etcdserver: request timed out, waiting for the applied index took too long"),
    UNHEALTHY(StatusCode.UNAVAILABLE, "etcdserver: unhealthy cluster"),
    CORRUPT(StatusCode.DATA_LOSS, "etcdserver: corrupt cluster"),
    NOT_SUPPORTED_FOR_LEARNER(StatusCode.UNAVAILABLE, "etcdserver: rpc not supported for learner"),
    BAD_LEADER_TRANSFEREE(StatusCode.FAILED_PRECONDITION, "etcdserver: bad leader transferee"),
    /** Raft refused the proposal (no leader known, leadership moving, a membership change pending); etcd 3.4's text and code. */
    PROPOSAL_DROPPED(StatusCode.UNKNOWN, "raft proposal dropped"),
    // The Election service's errors: plain errors in etcd, so clients see code Unknown.
    ELECTION_NOT_LEADER(StatusCode.UNKNOWN, "election: not leader"),
    ELECTION_NO_LEADER(StatusCode.UNKNOWN, "election: no leader"),
    ELECTION_MISSING_LEADER_KEY(StatusCode.UNKNOWN, "\"leader\" field must be provided");

    private final StatusCode code;
    private final String message;

    EtcdError(StatusCode code, String message) {
        this.code = code;
        this.message = message;
    }

    /** The gRPC status code clients receive. */
    public StatusCode code() {
        return code;
    }

    /** etcd's message text, verbatim. */
    public String message() {
        return message;
    }

    /** A new exception carrying this error. */
    public EtcdException exception() {
        return new EtcdException(this);
    }
}
