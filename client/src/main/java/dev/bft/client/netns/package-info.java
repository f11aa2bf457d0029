/**
 * Separate network hosts on one Linux machine, for {@code bin/bft cluster --netns} and the tests that
 * put replicas on hosts of their own (network namespaces on a private bridge).
 */
package dev.bft.client.netns;
