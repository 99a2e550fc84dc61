/**
 * etcd's v3 gRPC services (KV, Maintenance, Cluster, ...) on top of the server's operations.
 * The only place where server errors become gRPC statuses.
 */
package etcetera.server.grpc;
