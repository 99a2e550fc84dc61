/** etcd's client-visible errors as a typed enum, free of any gRPC dependency. */
package etcetera.server.errors;
