/** An on/off button (aria-pressed); fires `toggle` with the new value. */
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { theme } from '../styles/theme.js';

@customElement('toggle-button')
export class ToggleButton extends LitElement {
  @property({ type: Boolean, reflect: true }) on = false;
  @property() label = '';

  static override styles = [theme, css`button { font-size: 1.3rem; font-weight: 600; }`];

  override render() {
    return html`<button aria-pressed=${this.on ? 'true' : 'false'} @click=${this.#toggle}>
      <span aria-hidden="true">${this.on ? '●' : '○'}</span> ${this.label}
    </button>`;
  }

  #toggle(): void {
    this.dispatchEvent(new CustomEvent<boolean>('toggle', { detail: !this.on, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'toggle-button': ToggleButton;
  }
}
