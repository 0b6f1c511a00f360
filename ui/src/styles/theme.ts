/** Shared look: high contrast on a dark background, sizes readable at 1 m on a 1080p screen. */
import { css } from 'lit';

export const theme = css`
  :host {
    --bg: #0b0d10;
    --panel: #161b22;
    --panel-2: #1f2630;
    --text: #f5f7fa;
    --muted: #c3ccd8;
    --accent: #ffb020;
    --good: #34d17a;
    --bad: #ff6259;
    --focus: #7cc4ff;
    --radius: 18px;
    --touch: 64px;
    color: var(--text);
    font-family: system-ui, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif;
    box-sizing: border-box;
  }
  *, *::before, *::after { box-sizing: inherit; }
  button {
    font: inherit;
    color: var(--text);
    background: var(--panel-2);
    border: 2px solid #3a4554;
    border-radius: 14px;
    min-height: var(--touch);
    min-width: var(--touch);
    padding: 0 1.1em;
    cursor: pointer;
    touch-action: manipulation;
  }
  button:focus-visible { outline: 4px solid var(--focus); outline-offset: 2px; }
  button:active { transform: translateY(1px); }
  button.primary { background: var(--good); border-color: var(--good); color: #06210f; font-weight: 700; }
  button[aria-pressed='true'] { background: #2d3a4b; border-color: var(--focus); }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
