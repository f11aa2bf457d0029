/**
 * JMH benchmarks and the load generator. Benchmarks measure, they never assert; results go to
 * docs/benchmarks.md with the command that produced them.
 */
package dev.bft.bench;
