/**
 * Executes a TensorFlow.js graph-model JSON as plain, differentiable tfjs ops.
 *
 * GraphModel.execute() runs fused kernels whose gradients also compute filter gradients
 * (missing or slow on wasm). Interpreting the graph node by node with plain ops lets tf.grad
 * compute input gradients only, through the custom convolutions of input-grad-ops.ts.
 * It also lets callers cut the graph anywhere: run the backbone up to a named node, or feed an
 * intermediate state and run only the head.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { tf } from '../tf/backend.js';
import { makeConv2d, makeDepthwiseConv2d } from './input-grad-ops.js';

interface AttrValue {
  s?: string;
  i?: string;
  f?: number;
  b?: boolean;
  type?: string;
  list?: { i?: string[]; s?: string[]; f?: number[] };
  shape?: unknown;
}
interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, AttrValue>;
}
interface WeightGroup {
  paths: string[];
  weights: tf.io.WeightsManifestEntry[];
}
interface ModelJson {
  modelTopology: { node: GraphNode[] };
  weightsManifest: WeightGroup[];
}

type Evaluate = (inputs: tf.Tensor[]) => tf.Tensor;

const decode = (s: string | undefined): string => (s ? Buffer.from(s, 'base64').toString('utf8') : '');
const ints = (a: AttrValue | undefined): number[] => (a?.list?.i ?? []).map(Number);
const strideHW = (node: GraphNode): [number, number] => {
  const s = ints(node.attr?.strides);
  return s.length === 4 ? [s[1], s[2]] : [1, 1];
};
const baseName = (input: string): string => input.replace(/^\^/, '').replace(/:0$/, '');

export class GraphProgram {
  private readonly nodes = new Map<string, GraphNode>();
  private readonly compiled = new Map<string, Evaluate>();

  private constructor(
    nodes: GraphNode[],
    readonly weights: tf.NamedTensorMap,
  ) {
    for (const n of nodes) this.nodes.set(n.name, n);
  }

  /** Loads `<file>.json` and its weight files from disk. */
  static async load(jsonPath: string): Promise<GraphProgram> {
    let json: ModelJson;
    try {
      json = JSON.parse(await readFile(jsonPath, 'utf8')) as ModelJson;
    } catch (err) {
      throw new Error(`cannot read model graph ${jsonPath}: ${(err as Error).message}`);
    }
    const dir = path.dirname(jsonPath);
    const specs: tf.io.WeightsManifestEntry[] = [];
    const buffers: Buffer[] = [];
    for (const group of json.weightsManifest) {
      specs.push(...group.weights);
      for (const p of group.paths) {
        try {
          buffers.push(await readFile(path.join(dir, p)));
        } catch (err) {
          throw new Error(`cannot read model weights ${path.join(dir, p)}: ${(err as Error).message}`);
        }
      }
    }
    const all = Buffer.concat(buffers);
    const ab = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
    const weights = tf.io.decodeWeights(ab, specs);
    return new GraphProgram(json.modelTopology.node, weights);
  }

  /** Names of a node's data inputs. */
  nodeInputs(name: string): string[] {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`graph has no node ${name}`);
    return (n.input ?? []).filter((i) => !i.startsWith('^')).map(baseName);
  }

  hasNode(name: string): boolean {
    return this.nodes.has(name);
  }

  /** The constant tensor a Const node holds. */
  constant(name: string): tf.Tensor {
    const t = this.weights[name];
    if (!t) throw new Error(`graph has no constant ${name}`);
    return t;
  }

  /**
   * Evaluates `output` given feeds. Feeds may name the placeholder or any intermediate node,
   * which cuts the graph there. Must be called inside tf.tidy / tf.grad by the caller.
   */
  run(feeds: Record<string, tf.Tensor>, output: string): tf.Tensor {
    const memo = new Map<string, tf.Tensor>();
    const evalNode = (name: string): tf.Tensor => {
      const key = baseName(name);
      const fed = feeds[key];
      if (fed) return fed;
      const hit = memo.get(key);
      if (hit) return hit;
      const node = this.nodes.get(key);
      if (!node) throw new Error(`graph has no node ${key}`);
      let value: tf.Tensor;
      if (node.op === 'Const') value = this.constant(key);
      else if (node.op === 'Placeholder') throw new Error(`placeholder ${key} was not fed`);
      else {
        const inputs = (node.input ?? []).filter((i) => !i.startsWith('^')).map(evalNode);
        value = this.compile(node)(inputs);
      }
      memo.set(key, value);
      return value;
    };
    return evalNode(output);
  }

  private compile(node: GraphNode): Evaluate {
    let fn = this.compiled.get(node.name);
    if (!fn) {
      fn = this.build(node);
      this.compiled.set(node.name, fn);
    }
    return fn;
  }

  /** Pads explicitly so every convolution runs as VALID (SAME -> explicit, TF's split). */
  private samePad(node: GraphNode, kh: number, kw: number): (x: tf.Tensor4D) => tf.Tensor4D {
    const padding = decode(node.attr?.padding?.s);
    if (padding !== 'SAME') return (x) => x;
    const [sh, sw] = strideHW(node);
    return (x) => {
      const [, h, w] = x.shape;
      const ph = Math.max((Math.ceil(h / sh) - 1) * sh + kh - h, 0);
      const pw = Math.max((Math.ceil(w / sw) - 1) * sw + kw - w, 0);
      if (ph === 0 && pw === 0) return x;
      return tf.pad(x, [[0, 0], [Math.floor(ph / 2), ph - Math.floor(ph / 2)], [Math.floor(pw / 2), pw - Math.floor(pw / 2)], [0, 0]]);
    };
  }

  private activation(node: GraphNode, name: string | undefined, extra: tf.Tensor[]): (x: tf.Tensor) => tf.Tensor {
    switch (name) {
      case undefined:
        return (x) => x;
      case 'Relu':
        return (x) => tf.relu(x);
      case 'Relu6':
        return (x) => tf.clipByValue(x, 0, 6);
      case 'Prelu':
        return (x) => tf.add(tf.relu(x), tf.mul(extra[0], tf.minimum(x, 0)));
      case 'Sigmoid':
        return (x) => tf.sigmoid(x);
      default:
        throw new Error(`unsupported fused activation ${name} in ${node.name}`);
    }
  }

  private build(node: GraphNode): Evaluate {
    const attr = node.attr ?? {};
    const constInput = (i: number): tf.Tensor => this.constant(baseName(node.input![i]));
    switch (node.op) {
      case 'Identity':
        return ([x]) => x;
      case 'Sub':
        return ([a, b]) => tf.sub(a, b);
      case 'Mul':
        return ([a, b]) => tf.mul(a, b);
      case 'RealDiv':
        return ([a, b]) => tf.div(a, b);
      case 'Add':
      case 'AddV2':
      case 'BiasAdd':
        return ([a, b]) => tf.add(a, b);
      case 'Maximum':
        return ([a, b]) => tf.maximum(a, b);
      case 'Minimum':
        return ([a, b]) => tf.minimum(a, b);
      case 'Relu':
        return ([x]) => tf.relu(x);
      case 'Relu6':
        return ([x]) => tf.clipByValue(x, 0, 6);
      case 'Sigmoid':
        return ([x]) => tf.sigmoid(x);
      case 'Abs':
        return ([x]) => tf.abs(x);
      case 'Square':
        return ([x]) => tf.square(x);
      case 'Rsqrt':
        return ([x]) => tf.rsqrt(x);
      case 'Neg':
        return ([x]) => tf.neg(x);
      case 'Softmax':
        return ([x]) => tf.softmax(x);
      case 'Prelu':
        return ([x, a]) => tf.add(tf.relu(x), tf.mul(a, tf.minimum(x, 0)));
      case 'Pad': {
        const p = Array.from(constInput(1).dataSync());
        const pairs: Array<[number, number]> = [];
        for (let i = 0; i < p.length; i += 2) pairs.push([p[i], p[i + 1]]);
        return ([x]) => tf.pad(x, pairs);
      }
      case 'Reshape': {
        const shape = Array.from(constInput(1).dataSync());
        return ([x]) => tf.reshape(x, shape);
      }
      case 'Squeeze': {
        const dims = ints(attr.squeeze_dims);
        return ([x]) => tf.squeeze(x, dims.length ? dims : undefined);
      }
      case 'Mean':
      case 'Sum': {
        const axes = Array.from(constInput(1).dataSync());
        const keep = attr.keep_dims?.b ?? false;
        return node.op === 'Mean' ? ([x]) => tf.mean(x, axes, keep) : ([x]) => tf.sum(x, axes, keep);
      }
      case 'MatMul':
      case '_FusedMatMul': {
        const ta = attr.transpose_a?.b ?? false;
        const tb = attr.transpose_b?.b ?? false;
        const fused = (attr.fused_ops?.list?.s ?? []).map(decode);
        return (inputs) => {
          let y: tf.Tensor = tf.matMul(inputs[0] as tf.Tensor2D, inputs[1] as tf.Tensor2D, ta, tb);
          if (fused[0] === 'BiasAdd') y = tf.add(y, inputs[2]);
          return this.activation(node, fused[1], inputs.slice(3))(y);
        };
      }
      case 'Conv2D':
      case '_FusedConv2D':
      case 'DepthwiseConv2dNative':
      case 'FusedDepthwiseConv2dNative': {
        const filter = constInput(1) as tf.Tensor4D;
        const dil = ints(attr.dilations);
        if (dil.some((d) => d !== 1)) throw new Error(`dilated convolution in ${node.name} is not supported`);
        const depthwise = node.op.includes('Depthwise');
        const conv = depthwise
          ? makeDepthwiseConv2d(filter, { strides: strideHW(node) })
          : makeConv2d(filter, { strides: strideHW(node) });
        const pad = this.samePad(node, filter.shape[0], filter.shape[1]);
        const explicit = ints(attr.explicit_paddings);
        const fused = (attr.fused_ops?.list?.s ?? []).map(decode);
        return (inputs) => {
          let x = inputs[0] as tf.Tensor4D;
          if (explicit.length === 8) x = tf.pad(x, [[0, 0], [explicit[2], explicit[3]], [explicit[4], explicit[5]], [0, 0]]);
          let y: tf.Tensor = conv(pad(x));
          if (fused[0] === 'BiasAdd') y = tf.add(y, inputs[2]);
          return this.activation(node, fused[1], inputs.slice(3))(y);
        };
      }
      default:
        throw new Error(`unsupported graph op ${node.op} (${node.name})`);
    }
  }
}
