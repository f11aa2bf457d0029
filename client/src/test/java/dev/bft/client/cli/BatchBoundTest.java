package dev.bft.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BatchBoundTest {
  // seconds per check at sizes 4, 8, 16, 32, 64, 128: each doubling makes a check cheaper
  final BatchBound bound = new BatchBound(20e-6, new double[] {60e-6, 50e-6, 40e-6, 30e-6, 25e-6, 24e-6});

  @Test
  void aSizeBetweenTwoMeasuredIsInterpolatedOnALogScaleAndOutsideThemClamped() {
    assertThat(bound.perSignature(16)).isCloseTo(40e-6, within(1e-12));
    assertThat(bound.perSignature(Math.sqrt(16 * 32))).as("half-way in log").isCloseTo(35e-6, within(1e-9));
    assertThat(bound.perSignature(1)).isEqualTo(60e-6);
    assertThat(bound.perSignature(1000)).isEqualTo(24e-6);
  }

  @Test
  void theBoundIsTheCoresOverOneSignaturePlusNChecks() {
    // 2 cores / (20 + 4 x 40 microseconds) = 11 111 ops/s
    assertThat(bound.opsPerSecond(2, 4, 16)).isCloseTo(11_111, within(1.0));
    assertThat(bound.opsPerSecond(2, 7, 16)).as("more replicas check more").isLessThan(bound.opsPerSecond(2, 4, 16));
  }
}
