package etcetera.server;

import etcetera.api.bootstrap.BootstrapException;
import etcetera.api.storage.StorageException;
import etcetera.server.config.ConfigLoader;
import etcetera.server.config.ServerConfig;
import etcetera.server.log.LogSetup;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * Starts an Etcetera member from etcd's command-line flags, {@code ETCD_*} environment and
 * {@code --config-file}, and runs it until SIGINT or SIGTERM, which stop it cleanly with exit
 * status 0. Bad configuration exits with status 1 and a message saying what is wrong.
 */
public final class Main {

    private static final Logger LOG = System.getLogger("etcdmain");

    private Main() {
    }

    public static void main(String[] args) {
        ConfigLoader.Result result = ConfigLoader.load(args, System.getenv());
        switch (result) {
            case ConfigLoader.Result.Help help -> {
                System.out.print(help.text());
                System.exit(0);
            }
            case ConfigLoader.Result.Version version -> {
                System.out.print(version.text());
                System.exit(0);
            }
            case ConfigLoader.Result.Invalid invalid -> {
                System.err.println("etcd: " + invalid.message());
                System.exit(1);
            }
            case ConfigLoader.Result.Loaded loaded -> run(loaded.config(), loaded.warnings());
        }
    }

    private static void run(ServerConfig config, java.util.List<String> warnings) {
        LogSetup.configure(config.logLevel());
        LOG.log(Level.INFO, "Etcetera " + ConfigLoader.ETCETERA_VERSION + " (etcd " + EtcdServer.ETCD_VERSION
                + " API) on Java " + Runtime.version() + " pid=" + ProcessHandle.current().pid());
        for (String warning : warnings) {
            LOG.log(Level.WARNING, warning);
        }
        EtcdServer server;
        try {
            server = EtcdServer.start(config);
        } catch (StartupException | BootstrapException | StorageException e) {
            LOG.log(Level.ERROR, "cannot start: " + e.getMessage());
            System.exit(1);
            return;
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "cannot start: " + e, e);
            System.exit(1);
            return;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), signal -> stop.countDown());
        Signal.handle(new Signal("INT"), signal -> stop.countDown());
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.log(Level.INFO, "received a stop signal; shutting down");
        server.close();
        System.exit(0);
    }
}
