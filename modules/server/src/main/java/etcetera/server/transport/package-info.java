/**
 * The peer side of a member: listeners on {@code --listen-peer-urls} (TCP, or Unix domain
 * sockets for {@code unix://} URLs as etcd has them). For now they serve etcd's peer HTTP
 * endpoints {@code /members} and {@code /version}; the Raft message streams of the peer
 * transport (cluster issue) join the same pipeline.
 */
package etcetera.server.transport;
