/** JMH benchmarks of state transfer and checkpoints of the key-value service against state size. Measurements only; no assertions. */
package dev.bft.bench.state;
