package dev.bft.core.service;

import java.nio.file.Path;

/**
 * Where a replica runs its service: what a service that stores its own state needs to open it.
 *
 * @param dataDirectory a directory of the replica's own, for the service's files (created, empty on a fresh replica)
 * @param durable whether commits must survive a power cut (fsync), as the cluster's {@code durability} says
 * @param mapMegabytes how large the service's storage may grow, for a service on a memory map
 */
public record ServiceContext(Path dataDirectory, boolean durable, long mapMegabytes) {}
