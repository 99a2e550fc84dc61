package etcetera.server.config;

import java.net.Inet6Address;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Parses and checks the URL lists of etcd's flags ({@code --listen-client-urls} and friends)
 * with etcd's rules: scheme {@code http}, {@code https}, {@code unix} or {@code unixs}, an
 * address of the form {@code host:port} (port 0 allowed), no path. The failure texts are the
 * ones etcd prints (Go's {@code net/url} and etcd's {@code types.NewURLs}). Stateless.
 */
final class EtcdUrls {

    private EtcdUrls() {
    }

    /** A URL split the way Go's {@code net/url} sees it; {@code host} and {@code port} come from {@code host:port}. */
    record Address(String host, String port) {
    }

    /**
     * Parses a comma-separated list, trimming each element, and returns it sorted by its text
     * with duplicates removed (etcd keeps URL lists sorted).
     *
     * @throws GoLiterals.SyntaxError with etcd's text when an element is not acceptable
     */
    static List<URI> parseList(String commaSeparated) {
        List<URI> urls = new ArrayList<>();
        for (String element : commaSeparated.split(",", -1)) {
            URI url = parse(element.strip());
            if (!urls.contains(url)) {
                urls.add(url);
            }
        }
        urls.sort(Comparator.comparing(URI::toString));
        return List.copyOf(urls);
    }

    static URI parse(String in) {
        String rest = in;
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            rest = rest.substring(0, hash);
        }
        String scheme = "";
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (Character.isLetter(c) && c < 0x80) {
                continue;
            }
            if ((Character.isDigit(c) || c == '+' || c == '-' || c == '.') && i > 0) {
                continue;
            }
            if (c == ':') {
                if (i == 0) {
                    throw urlError(in, "missing protocol scheme");
                }
                scheme = rest.substring(0, i).toLowerCase(Locale.ROOT);
                rest = rest.substring(i + 1);
            }
            break;
        }
        String query = "";
        int question = rest.indexOf('?');
        if (question >= 0) {
            query = rest.substring(question);
            rest = rest.substring(0, question);
        }
        String authority = "";
        String path = rest;
        if (rest.startsWith("//")) {
            int slash = rest.indexOf('/', 2);
            authority = slash < 0 ? rest.substring(2) : rest.substring(2, slash);
            path = slash < 0 ? "" : rest.substring(slash);
        } else if (scheme.isEmpty()) {
            int slash = rest.indexOf('/');
            String firstSegment = slash < 0 ? rest : rest.substring(0, slash);
            if (firstSegment.contains(":")) {
                throw urlError(in, "first path segment in URL cannot contain colon");
            }
        } else if (!rest.startsWith("/")) {
            path = ""; // an opaque URL such as "unix:name": it has no host, caught below
        }
        int at = authority.lastIndexOf('@');
        String host = at < 0 ? authority : authority.substring(at + 1);
        checkHostSyntax(in, host);

        if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals("unix") && !scheme.equals("unixs")) {
            throw new GoLiterals.SyntaxError("URL scheme must be http, https, unix, or unixs: " + in);
        }
        if (splitHostPort(host) == null) {
            throw new GoLiterals.SyntaxError("URL address does not have the form \"host:port\": " + in);
        }
        if (!path.isEmpty()) {
            throw new GoLiterals.SyntaxError("URL must not contain a path: " + in);
        }
        try {
            return new URI(scheme + "://" + authority + query);
        } catch (java.net.URISyntaxException e) {
            throw urlError(in, "invalid character in URL (" + e.getReason() + ")");
        }
    }

    /** The checks Go's URL parser makes on the host part before etcd looks at it. */
    private static void checkHostSyntax(String in, String host) {
        String colonPort;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0) {
                throw urlError(in, "missing ']' in host");
            }
            colonPort = host.substring(close + 1);
        } else {
            int colon = host.lastIndexOf(':');
            colonPort = colon < 0 ? "" : host.substring(colon);
            String name = colon < 0 ? host : host.substring(0, colon);
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (c == ' ' || c < 0x20 || c == '<' || c == '>' || c == '"') {
                    throw urlError(in, "invalid character " + GoText.quote(String.valueOf(c)) + " in host name");
                }
            }
        }
        if (!colonPort.isEmpty() && !(colonPort.charAt(0) == ':' && colonPort.substring(1).chars().allMatch(Character::isDigit))) {
            throw urlError(in, "invalid port " + GoText.quote(colonPort) + " after host");
        }
    }

    private static GoLiterals.SyntaxError urlError(String in, String reason) {
        return new GoLiterals.SyntaxError("parse " + GoText.quote(in) + ": " + reason);
    }

    /** Splits {@code host:port} as Go's {@code net.SplitHostPort}; {@code null} when it has not that form. */
    static Address splitHostPort(String hostPort) {
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0 || close + 1 >= hostPort.length() || hostPort.charAt(close + 1) != ':') {
                return null;
            }
            String host = hostPort.substring(1, close);
            String port = hostPort.substring(close + 2);
            return host.contains("[") || host.contains("]") || port.contains("]") ? null : new Address(host, port);
        }
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0 || hostPort.indexOf(':') != colon || hostPort.contains("[") || hostPort.contains("]")) {
            return null;
        }
        return new Address(hostPort.substring(0, colon), hostPort.substring(colon + 1));
    }

    /** The {@code host:port} of a URL this class accepted. */
    static Address address(URI url) {
        String authority = url.getRawAuthority();
        int at = authority.lastIndexOf('@');
        return splitHostPort(at < 0 ? authority : authority.substring(at + 1));
    }

    /** Whether {@code host} is an IP literal as Go's {@code net.ParseIP} reads it (no name lookup). */
    static boolean isIpLiteral(String host) {
        if (host.contains(":")) {
            try {
                Inet6Address.ofLiteral(host);
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
                    || (part.length() > 1 && part.charAt(0) == '0') || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }
}
