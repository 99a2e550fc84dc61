/**
 * The cluster's membership as the replicated log defines it: members with their peer and
 * client URLs, learners, and removed member IDs, persisted in the backend with the applied
 * entries.
 */
package etcetera.server.membership;
