package etcetera.cli.benchmark;

import java.net.URI;

/**
 * One server address to benchmark, parsed from an {@code --endpoints} item: {@code host:port},
 * optionally prefixed with {@code http://} as etcd's tools accept.
 */
record Endpoint(String host, int port) {

    Endpoint {
        if (host.isEmpty() || port <= 0 || port > 65535) {
            throw new IllegalArgumentException("bad endpoint " + host + ":" + port);
        }
    }

    static Endpoint parse(String text) {
        String trimmed = text.strip();
        if (trimmed.startsWith("https://") || trimmed.startsWith("unixs://")) {
            throw new IllegalArgumentException("TLS endpoints are not supported yet: " + trimmed);
        }
        String withScheme = trimmed.contains("://") ? trimmed : "http://" + trimmed;
        URI uri = URI.create(withScheme);
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("expected host:port or http://host:port, got " + trimmed);
        }
        return new Endpoint(uri.getHost(), uri.getPort() < 0 ? 2379 : uri.getPort());
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
