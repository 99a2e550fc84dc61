/**
 * The cluster bootstrap SPI: a {@link etcetera.api.bootstrap.ClusterBootstrap} turns the
 * start-up configuration into the initial member list (static {@code --initial-cluster},
 * DNS SRV, a discovery URL). Providers are found with {@code ServiceLoader}.
 */
package etcetera.api.bootstrap;
