package etcetera.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /health} and {@code /version} over HTTP/1.1 on the same port as gRPC, answered as the
 * real etcd 3.4 answers them (status, content type, body), and gRPC still served beside them.
 */
class HttpEndpointsIT {

    @TempDir
    Path dirs;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private record Answer(int status, String contentType, String body) {
    }

    private Answer get(EtcdProcess server, String path, String method) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(server.endpoint() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.headers().firstValue("content-type").orElse(""), response.body());
    }

    @Test
    void healthAndVersionAnswerLikeEtcdBesideGrpc() throws Exception {
        try (EtcdProcess ours = EtcdProcess.ours(dirs.resolve("ours")).start()) {
            assertEquals(new Answer(200, "text/plain; charset=utf-8", "{\"health\":\"true\"}"), get(ours, "/health", "GET"));
            assertEquals(new Answer(200, "application/json", "{\"etcdserver\":\"3.4.23\",\"etcdcluster\":\"3.4.0\"}"),
                    get(ours, "/version", "GET"));
            assertEquals(404, get(ours, "/no-such-path", "GET").status());
            assertEquals(405, get(ours, "/health", "POST").status());
            if (Etcdctl.installed()) {
                assertEquals("OK\n", new Etcdctl(ours.hostPort()).run("put", "beside", "http").ok().stdout());
            }
            if (EtcdProcess.installed(EtcdProcess.REAL_ETCD)) {
                try (EtcdProcess etcd = new EtcdProcess(EtcdProcess.REAL_ETCD, dirs.resolve("etcd"), List.of()).start()) {
                    for (String path : List.of("/health", "/version", "/no-such-path")) {
                        assertEquals(get(etcd, path, "GET"), get(ours, path, "GET"), path);
                    }
                    assertEquals(get(etcd, "/health", "POST").status(), get(ours, "/health", "POST").status());
                }
            }
        }
    }
}
