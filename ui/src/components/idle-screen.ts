/** The attract screen when nobody is there; the slot holds the language switch. */
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { guidanceIcon } from '../icons/guidance-icons.js';
import { theme } from '../styles/theme.js';

@customElement('idle-screen')
export class IdleScreen extends LitElement {
  @property() heading = '';
  @property() body = '';

  static override styles = [
    theme,
    css`
      :host { display: grid; place-items: center; background: radial-gradient(circle at 50% 40%, #1b2633, #0b0d10 70%); text-align: center; }
      .box { display: grid; gap: 1.6rem; justify-items: center; padding: 2rem; }
      svg { width: min(30vmin, 16rem); height: min(30vmin, 16rem); color: var(--text); --icon-accent: var(--accent); }
      h1 { margin: 0; font-size: clamp(2.6rem, 3vw + 1.5rem, 4.6rem); }
      p { margin: 0; font-size: clamp(1.6rem, 1.5vw + 1rem, 2.6rem); color: var(--muted); max-width: 30ch; }
    `,
  ];

  override render() {
    return html`<div class="box">
      <svg viewBox="0 0 24 24" aria-hidden="true">${guidanceIcon('no-face')}</svg>
      <h1>${this.heading}</h1>
      <p>${this.body}</p>
      <slot></slot>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'idle-screen': IdleScreen;
  }
}
