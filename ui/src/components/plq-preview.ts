/**
 * The live camera preview on a canvas, with the PLQ map drawn over the face where the server
 * put it: the map (aligned coordinates) goes through the aligned-to-frame affine, scaled from
 * full-frame to preview pixels. Optional oval guide and face boxes; optionally mirrored. The frame,
 * the map and the oval scale together, whole or filling the height (`fill`).
 */
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import type { PlqOverlay, PreviewFrame } from '../store/kiosk-store.js';
import type { PreviewFill } from '../protocol.js';
import type { OvalTone } from './oval-guide.js';
import './oval-guide.js';

/** A map older than this (ms) is not drawn: the face has moved on. */
const PLQ_MAX_AGE_MS = 2500;

/** Canvas transform (a, b, c, d, e, f) drawing aligned-map pixels onto the preview. */
export function plqCanvasTransform(plq: Pick<PlqOverlay, 'transform' | 'frameWidth'>, previewWidth: number): [number, number, number, number, number, number] {
  const s = previewWidth / plq.frameWidth;
  const [a, b, tx, c, d, ty] = plq.transform;
  // Server affine: x' = a x + b y + tx, y' = c x + d y + ty. Canvas: x' = A x + C y + E, y' = B x + D y + F.
  return [s * a, s * c, s * b, s * d, s * tx, s * ty];
}

@customElement('plq-preview')
export class PlqPreview extends LitElement {
  @property({ attribute: false }) frame: PreviewFrame | null = null;
  @property({ attribute: false }) plq: PlqOverlay | null = null;
  @property({ type: Boolean }) overlay = false;
  @property({ type: Boolean, reflect: true }) mirror = false;
  @property({ type: Boolean }) oval = false;
  @property({ type: Boolean }) boxes = false;
  @property() tone: OvalTone = 'neutral';
  /** Opacity of the PLQ map over the face. */
  @property({ type: Number }) overlayAlpha = 0.6;
  @property() placeholder = '';
  /** `whole-frame`, `fill-height` (the sides cropped where the element is narrower than the frame), or `auto`: fills the height where the element is taller than wide. */
  @property({ reflect: true }) fill: PreviewFill = 'whole-frame';

  @query('canvas') private canvas!: HTMLCanvasElement;

  static override styles = css`
    :host { display: block; position: relative; container-type: size; background: #000; overflow: hidden; }
    .stage {
      position: absolute; left: 50%; top: 50%;
      width: min(100cqw, calc(100cqh * var(--ar, 1.333)));
      aspect-ratio: var(--ar, 1.333);
      transform: translate(-50%, -50%);
    }
    :host([fill='fill-height']) .stage { width: calc(100cqh * var(--ar, 1.333)); }
    @container (max-aspect-ratio: 1/1) {
      :host([fill='auto']) .stage { width: calc(100cqh * var(--ar, 1.333)); }
    }
    canvas { width: 100%; height: 100%; display: block; }
    :host([mirror]) canvas { transform: scaleX(-1); }
    .placeholder { position: absolute; inset: 0; display: grid; place-items: center; color: #c3ccd8; font-size: 1.4rem; }
  `;

  override render() {
    const w = this.frame?.width ?? 640;
    const h = this.frame?.height ?? 480;
    return html`<div class="stage" style="--ar:${w / h}">
      <canvas width=${w} height=${h} role="img" aria-label="Camera preview"></canvas>
      ${this.oval ? html`<oval-guide .aspect=${w / h} tone=${this.tone}></oval-guide>` : nothing}
      ${this.frame ? nothing : html`<div class="placeholder">${this.placeholder}</div>`}
    </div>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('frame') || changed.has('plq') || changed.has('overlay') || changed.has('boxes')) this.#draw();
  }

  #draw(): void {
    const ctx = this.canvas?.getContext('2d');
    const f = this.frame;
    if (!ctx) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    if (!f) {
      ctx.fillStyle = '#000';
      ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
      return;
    }
    try {
      ctx.drawImage(f.image, 0, 0, f.width, f.height);
    } catch {
      return; // bitmap already released: the next frame is on its way
    }
    let drawn = false;
    const p = this.plq;
    if (this.overlay && p && Date.now() - p.receivedAt < PLQ_MAX_AGE_MS) {
      ctx.save();
      ctx.globalAlpha = this.overlayAlpha;
      ctx.imageSmoothingEnabled = true;
      const t = plqCanvasTransform(p, f.width);
      // A blur of about one map pixel hides the stride-2 checkerboard of the raw map (display only).
      const mapPixel = Math.sqrt(Math.abs(t[0] * t[3] - t[1] * t[2]));
      ctx.filter = `blur(${Math.max(0.5, mapPixel).toFixed(2)}px)`;
      ctx.setTransform(...t);
      // Only the face: an oval over the aligned crop (the map's corners are background).
      ctx.beginPath();
      ctx.ellipse(p.width / 2, p.height * 0.53, p.width * 0.44, p.height * 0.55, 0, 0, Math.PI * 2);
      ctx.clip();
      try {
        ctx.drawImage(p.image, 0, 0, p.width, p.height);
        drawn = true;
      } catch {
        /* released */
      }
      ctx.restore();
    }
    if (this.boxes) {
      ctx.strokeStyle = '#7cc4ff';
      ctx.lineWidth = Math.max(2, f.width / 240);
      for (const { box } of f.faces) ctx.strokeRect(box[0], box[1], box[2], box[3]);
    }
    // For tests and diagnostics: whether the last frame got its PLQ map.
    this.canvas.dataset.overlay = drawn ? 'drawn' : 'none';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'plq-preview': PlqPreview;
  }
}
