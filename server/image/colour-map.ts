/** ColorBrewer RdYlGn (11 classes), low = red, high = green; linear interpolation between stops. */
const RDYLGN: Array<[number, number, number]> = [
  [165, 0, 38], [215, 48, 39], [244, 109, 67], [253, 174, 97], [254, 224, 139], [255, 255, 191],
  [217, 239, 139], [166, 217, 106], [102, 189, 99], [26, 152, 80], [0, 104, 55],
];

export function rdYlGn(v: number): [number, number, number] {
  const t = Math.min(1, Math.max(0, v)) * (RDYLGN.length - 1);
  const i = Math.min(RDYLGN.length - 2, Math.floor(t));
  const f = t - i;
  const a = RDYLGN[i], b = RDYLGN[i + 1];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}
