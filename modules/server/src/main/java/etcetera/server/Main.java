package etcetera.server;

import etcetera.api.bootstrap.BootstrapException;
import etcetera.api.storage.StorageException;
import etcetera.server.config.ConfigParser;
import etcetera.server.config.ParseResult;
import etcetera.server.config.ServerConfig;
import etcetera.server.config.Version;
import etcetera.server.log.LogSetup;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;
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
        ParseResult result = ConfigParser.parse(List.of(args), System.getenv(), Path::of);
        switch (result) {
            case ParseResult.Print print -> {
                print.warnings().forEach(System.err::println);
                System.out.print(print.text());
                System.exit(0);
            }
            case ParseResult.Fail fail -> {
                fail.warnings().forEach(System.err::println);
                System.err.println("error verifying flags, " + fail.message() + ". See 'etcd --help'.");
                System.exit(ParseResult.Fail.EXIT_STATUS);
            }
            case ParseResult.Start start -> run(start.config(), start.warnings());
        }
    }

    private static void run(ServerConfig config, List<String> warnings) {
        LogSetup.configure(config.logging().level().name());
        LOG.log(Level.INFO, "Etcetera " + Version.etcetera() + " (etcd " + EtcdServer.ETCD_VERSION
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
        server.stopRequested().thenRun(stop::countDown);
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        EtcdServer.StopReason reason = server.stopRequested().getNow(null);
        if (reason == null) {
            LOG.log(Level.INFO, "received a stop signal; shutting down");
        } else {
            LOG.log(reason.exitStatus() == 0 ? Level.WARNING : Level.ERROR, reason.message());
        }
        server.close();
        System.exit(reason == null ? 0 : reason.exitStatus());
    }
}
