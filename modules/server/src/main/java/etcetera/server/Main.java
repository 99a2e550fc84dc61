package etcetera.server;

/** Starts an Etcetera node from etcd's command-line flags, {@code ETCD_*} environment and config file. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.err.println("etcetera: the server is not assembled yet");
        System.exit(1);
    }
}
