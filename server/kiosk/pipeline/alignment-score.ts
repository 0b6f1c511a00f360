import type { FaceMeasurements } from './measurements.js';

/**
 * How well a frame suits the PLQ map, 0..1: frontal (head pose), centred, sharp.
 * Gaussian fall-offs: 10 degrees of combined pose, 0.1 of the frame for the offset.
 */
export function alignmentScore(m: FaceMeasurements): number {
  const pose2 = m.yaw * m.yaw + m.pitch * m.pitch + m.roll * m.roll;
  const frontal = Math.exp(-pose2 / (2 * 10 * 10));
  const off2 = m.offsetX * m.offsetX + m.offsetY * m.offsetY;
  const centred = Math.exp(-off2 / (2 * 0.1 * 0.1));
  const sharp = m.sharpness / (m.sharpness + 50);
  return frontal * centred * sharp;
}
