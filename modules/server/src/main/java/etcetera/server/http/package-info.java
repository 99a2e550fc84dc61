/**
 * HTTP/1.1 on the client port, beside gRPC, as etcd serves it: {@code /health} and
 * {@code /version} (the JSON gateway, {@code /v2} and {@code /metrics} come with their own
 * issues). The first bytes of a connection decide: the HTTP/2 preface goes to gRPC, anything
 * else to the HTTP/1.1 handlers.
 */
package etcetera.server.http;
