/** The oval that shows where to put the face, with the outside dimmed. Colour follows the state. */
import { LitElement, css, html, svg } from 'lit';
import { customElement, property } from 'lit/decorators.js';

export type OvalTone = 'neutral' | 'adjust' | 'good';

/** Oval in units of the preview (fractions of width / height). */
export const OVAL = { cx: 0.5, cy: 0.46, rx: 0.2, ry: 0.36 } as const;

@customElement('oval-guide')
export class OvalGuide extends LitElement {
  @property({ reflect: true }) tone: OvalTone = 'neutral';
  /** Preview aspect ratio (width / height), so the oval keeps its shape. */
  @property({ type: Number }) aspect = 4 / 3;

  static override styles = css`
    :host { position: absolute; inset: 0; pointer-events: none; display: block; }
    svg { width: 100%; height: 100%; display: block; }
    .ring { fill: none; stroke-width: 6; vector-effect: non-scaling-stroke; transition: stroke 0.3s; }
    :host([tone='neutral']) .ring { stroke: #ffffff; stroke-dasharray: 14 10; }
    :host([tone='adjust']) .ring { stroke: #ffb020; }
    :host([tone='good']) .ring { stroke: #34d17a; }
  `;

  override render() {
    const w = 1000;
    const h = Math.round(w / this.aspect);
    const cx = OVAL.cx * w, cy = OVAL.cy * h, rx = OVAL.rx * h * 1.05, ry = OVAL.ry * h;
    return html`<svg viewBox="0 0 ${w} ${h}" preserveAspectRatio="none" aria-hidden="true">
      ${svg`<defs><mask id="m"><rect width=${w} height=${h} fill="white"/><ellipse cx=${cx} cy=${cy} rx=${rx} ry=${ry} fill="black"/></mask></defs>
      <rect width=${w} height=${h} fill="rgba(0,0,0,0.45)" mask="url(#m)"/>
      <ellipse class="ring" cx=${cx} cy=${cy} rx=${rx} ry=${ry}/>`}
    </svg>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'oval-guide': OvalGuide;
  }
}
