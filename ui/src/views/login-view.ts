/** The operator login form: user name, password, and why the last attempt failed. Fires `login` with {user, password}. */
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { theme } from '../styles/theme.js';

export interface LoginDetail {
  user: string;
  password: string;
}

@customElement('login-view')
export class LoginView extends LitElement {
  @property() message: string | null = null;
  @property({ type: Boolean }) busy = false;

  static override styles = [
    theme,
    css`
      :host { display: grid; place-items: center; height: 100%; background: var(--bg); }
      form { display: grid; gap: 1rem; width: min(26rem, 90vw); padding: 2rem; border-radius: 16px; background: var(--panel); }
      h1 { margin: 0; font-size: 1.6rem; }
      label { display: grid; gap: 0.3rem; font-size: 1.1rem; }
      input { font: inherit; font-size: 1.2rem; padding: 0.6rem; border-radius: 8px; border: 1px solid var(--muted); background: var(--bg); color: inherit; }
      .message { min-height: 1.5rem; color: var(--bad); font-weight: 700; }
      button { min-height: 48px; }
    `,
  ];

  #submit(e: Event): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const detail: LoginDetail = { user: String(data.get('user') ?? ''), password: String(data.get('password') ?? '') };
    (form.elements.namedItem('password') as HTMLInputElement).value = '';
    this.dispatchEvent(new CustomEvent<LoginDetail>('login', { detail, bubbles: true, composed: true }));
  }

  override render() {
    return html`<form @submit=${(e: Event) => this.#submit(e)} aria-label="Operator login">
      <h1>Kiosk operator</h1>
      <label>User name <input name="user" autocomplete="username" required autofocus /></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" required /></label>
      <div class="message" role="alert" data-k="login-message">${this.message ?? ''}</div>
      <button class="primary" type="submit" ?disabled=${this.busy}>Log in</button>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'login-view': LoginView;
  }
}
