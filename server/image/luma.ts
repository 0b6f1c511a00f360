/** ITU-R BT.601 luma of an RGB triple (0..255 in, 0..255 out): the grey level used project-wide. */
export const luma = (r: number, g: number, b: number): number => 0.299 * r + 0.587 * g + 0.114 * b;

/** Luma of the pixel whose red byte is at `i` in interleaved RGB `data`. */
export const lumaAt = (data: ArrayLike<number>, i: number): number => luma(data[i], data[i + 1], data[i + 2]);
