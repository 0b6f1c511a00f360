/**
 * Convolutions whose gradient is taken w.r.t. the input only.
 *
 * Why: the wasm backend has no DepthwiseConv2dNativeBackpropInput kernel and its
 * Conv2DBackpropInput is a slow scalar loop. The input gradient of a VALID convolution is a
 * stride-1 convolution of the zero-inserted, padded upstream gradient with the flipped filter,
 * which runs on the backend's fast (XNNPACK) forward kernels. Filters are constants here, so
 * their gradients are never needed.
 */
import { tf } from '../tf/backend.js';

type T4 = tf.Tensor4D;

/** Inserts (stride - 1) zeros between rows and columns: [n,h,w,c] -> [n,(h-1)s+1,(w-1)s+1,c]. */
function zeroInsert(dy: T4, sh: number, sw: number): T4 {
  if (sh === 1 && sw === 1) return dy;
  const [n, h, w, c] = dy.shape;
  const spread = tf.pad(dy.reshape([n, h, 1, w, 1, c]), [
    [0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0],
  ]);
  return tf.slice(spread.reshape([n, h * sh, w * sw, c]), [0, 0, 0, 0], [n, (h - 1) * sh + 1, (w - 1) * sw + 1, c]) as T4;
}

/** Pads the dilated gradient so a VALID stride-1 conv with a kh x kw filter returns the input size. */
function padForTranspose(d: T4, inH: number, inW: number, kh: number, kw: number): T4 {
  const extraH = inH - (d.shape[1] + kh - 1);
  const extraW = inW - (d.shape[2] + kw - 1);
  return tf.pad(d, [[0, 0], [kh - 1, kh - 1 + extraH], [kw - 1, kw - 1 + extraW], [0, 0]]);
}

export interface ConvSpec {
  strides: [number, number];
}

/** VALID conv2d (NHWC, filter [kh,kw,cin,cout]) with an input-only gradient. */
export function makeConv2d(filter: tf.Tensor4D, spec: ConvSpec): (x: T4) => T4 {
  const [kh, kw] = filter.shape;
  const [sh, sw] = spec.strides;
  // [kh,kw,cin,cout] -> flipped spatially, channels swapped: [kh,kw,cout,cin]
  const flipped = tf.keep(tf.tidy(() => tf.reverse(filter, [0, 1]).transpose([0, 1, 3, 2]) as tf.Tensor4D));
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const x4 = args[0] as T4;
    const save = args[1] as tf.GradSaveFunc;
    save([]);
    return {
      value: tf.conv2d(x4, filter, [sh, sw], 'valid'),
      gradFunc: (dy: tf.Tensor) => {
        const d = padForTranspose(zeroInsert(dy as T4, sh, sw), x4.shape[1], x4.shape[2], kh, kw);
        return [tf.conv2d(d, flipped, 1, 'valid')];
      },
    };
  });
  return (x: T4) => op(x) as T4;
}

/** VALID depthwise conv2d (channel multiplier 1) with an input-only gradient. */
export function makeDepthwiseConv2d(filter: tf.Tensor4D, spec: ConvSpec): (x: T4) => T4 {
  const [kh, kw, , mult] = filter.shape;
  if (mult !== 1) throw new Error(`depthwise channel multiplier ${mult} is not supported`);
  const [sh, sw] = spec.strides;
  const flipped = tf.keep(tf.tidy(() => tf.reverse(filter, [0, 1]) as tf.Tensor4D));
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const x4 = args[0] as T4;
    const save = args[1] as tf.GradSaveFunc;
    save([]);
    return {
      value: tf.depthwiseConv2d(x4, filter, [sh, sw], 'valid'),
      gradFunc: (dy: tf.Tensor) => {
        const d = padForTranspose(zeroInsert(dy as T4, sh, sw), x4.shape[1], x4.shape[2], kh, kw);
        return [tf.depthwiseConv2d(d, flipped, 1, 'valid')];
      },
    };
  });
  return (x: T4) => op(x) as T4;
}
