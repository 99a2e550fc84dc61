/**
 * Log output: one line per event on standard error, {@code time LEVEL component: message
 * key=value...}, through {@code java.util.logging} so that the JDK's {@code System.Logger},
 * grpc-java and netty all end up in the same stream.
 */
package etcetera.server.log;
