/**
 * One inline-SVG icon per guidance message id (no icon font, no CDN). 24x24, drawn with
 * currentColor; the accent (the thing to act on) uses --icon-accent. "Left"/"right" are the
 * person's own; the kiosk preview is mirrored, so the person's left is drawn on the left.
 */
import { svg, type SVGTemplateResult } from 'lit';
import type { GuidanceId } from '../protocol.js';

type Part = 'leftEye' | 'rightEye' | 'leftCheek' | 'rightCheek' | 'mouth';

const ACCENT = 'var(--icon-accent, #ffb020)';

/** A face outline; `mark` fills the part the person should uncover. */
function face(mark?: Part, extra: SVGTemplateResult = svg``): SVGTemplateResult {
  const fill = (p: Part) => (p === mark ? ACCENT : 'none');
  const stroke = (p: Part) => (p === mark ? ACCENT : 'currentColor');
  return svg`
    <ellipse cx="12" cy="12.5" rx="7.5" ry="9.5" fill="none" stroke="currentColor" stroke-width="1.6"/>
    <circle cx="9" cy="10" r="1.4" fill=${mark === 'leftEye' ? ACCENT : 'currentColor'} stroke=${stroke('leftEye')} stroke-width=${mark === 'leftEye' ? 2.2 : 0}/>
    <circle cx="15" cy="10" r="1.4" fill=${mark === 'rightEye' ? ACCENT : 'currentColor'} stroke=${stroke('rightEye')} stroke-width=${mark === 'rightEye' ? 2.2 : 0}/>
    <ellipse cx="8" cy="14.5" rx="2" ry="1.8" fill=${fill('leftCheek')} stroke=${mark === 'leftCheek' ? ACCENT : 'none'}/>
    <ellipse cx="16" cy="14.5" rx="2" ry="1.8" fill=${fill('rightCheek')} stroke=${mark === 'rightCheek' ? ACCENT : 'none'}/>
    <path d="M9.5 17.2 Q12 ${mark === 'mouth' ? 19.4 : 18.4} 14.5 17.2" fill=${mark === 'mouth' ? ACCENT : 'none'} stroke=${stroke('mouth')} stroke-width="1.6" stroke-linecap="round"/>
    ${extra}`;
}

const slash = svg`<path d="M3.5 3.5 L20.5 20.5" stroke=${ACCENT} stroke-width="2.2" stroke-linecap="round"/>`;
const glasses = (dark: boolean) => svg`
  <circle cx="7" cy="12" r="3.6" fill=${dark ? 'currentColor' : 'none'} stroke="currentColor" stroke-width="1.6"/>
  <circle cx="17" cy="12" r="3.6" fill=${dark ? 'currentColor' : 'none'} stroke="currentColor" stroke-width="1.6"/>
  <path d="M10.6 11.4 Q12 10.4 13.4 11.4 M3.4 11.5 L1.5 9.5 M20.6 11.5 L22.5 9.5" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"/>`;
const person = (x: number, s = 1) => svg`
  <g transform="translate(${x} 0) scale(${s})" fill="none" stroke="currentColor" stroke-width="1.6">
    <circle cx="0" cy="8" r="3.4"/>
    <path d="M-6 20 Q-6 13.5 0 13.5 Q6 13.5 6 20" stroke-linecap="round"/>
  </g>`;

const ICONS: Record<GuidanceId, SVGTemplateResult> = {
  'no-face': svg`${person(12)}<path d="M17.5 3.5 q2-1.5 3.5 0 q1 1.5-1.5 2.8 v1" fill="none" stroke=${ACCENT} stroke-width="1.6" stroke-linecap="round"/><circle cx="19.5" cy="9.6" r=".9" fill=${ACCENT}/>`,
  'multiple-faces': svg`${person(7.5, 0.9)}${person(16.5, 0.9)}<path d="M16.5 4 L20.5 8 M20.5 4 L16.5 8" stroke=${ACCENT} stroke-width="2" stroke-linecap="round"/>`,
  'move-closer': svg`${face()}<path d="M1.5 12 h3 l-1.2-1.2 M4.5 12 l-1.2 1.2 M22.5 12 h-3 l1.2-1.2 M19.5 12 l1.2 1.2" fill="none" stroke=${ACCENT} stroke-width="1.8" stroke-linecap="round"/>`,
  'step-back': svg`<g transform="translate(12 12) scale(.7) translate(-12 -12)">${face()}</g><path d="M5 5 l-3-3 M2 2 h2.4 M2 2 v2.4 M19 5 l3-3 M22 2 h-2.4 M22 2 v2.4 M5 19 l-3 3 M2 22 h2.4 M2 22 v-2.4 M19 19 l3 3 M22 22 h-2.4 M22 22 v-2.4" fill="none" stroke=${ACCENT} stroke-width="1.8" stroke-linecap="round"/>`,
  'center-face': svg`<ellipse cx="12" cy="12" rx="7" ry="9" fill="none" stroke=${ACCENT} stroke-width="1.6" stroke-dasharray="2.5 2"/><circle cx="12" cy="12" r="2.2" fill="currentColor"/><path d="M12 1.5 v3 M12 19.5 v3 M1.5 12 h3 M19.5 12 h3" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"/>`,
  'look-straight': svg`<path d="M2 12 Q12 3 22 12 Q12 21 2 12 Z" fill="none" stroke="currentColor" stroke-width="1.6"/><circle cx="12" cy="12" r="3.6" fill=${ACCENT}/><circle cx="12" cy="12" r="1.5" fill="#000"/>`,
  'head-level': svg`<g transform="rotate(-14 12 12)">${face()}</g><path d="M2 22 h20" stroke=${ACCENT} stroke-width="2" stroke-linecap="round"/>`,
  'remove-sunglasses': svg`${glasses(true)}${slash}`,
  'remove-glasses': svg`${glasses(false)}${slash}`,
  'remove-headgear': svg`<path d="M4 15 h16 M6.5 15 Q6.5 6 12 6 Q17.5 6 17.5 15" fill="none" stroke="currentColor" stroke-width="1.8"/><path d="M2.5 18 h19" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/>${slash}`,
  'uncover-left-eye': face('leftEye'),
  'uncover-right-eye': face('rightEye'),
  'uncover-left-cheek': face('leftCheek'),
  'uncover-right-cheek': face('rightCheek'),
  'uncover-mouth': face('mouth'),
  'open-eyes': svg`<path d="M2 12 Q12 3 22 12 Q12 21 2 12 Z" fill="none" stroke="currentColor" stroke-width="1.6"/><circle cx="12" cy="12" r="3.2" fill="currentColor"/><path d="M12 1.5 v2.5 M5 3.5 l1.4 2 M19 3.5 l-1.4 2" stroke=${ACCENT} stroke-width="1.6" stroke-linecap="round"/>`,
  'close-mouth': svg`<ellipse cx="12" cy="12.5" rx="7.5" ry="9.5" fill="none" stroke="currentColor" stroke-width="1.6"/><circle cx="9" cy="10" r="1.4" fill="currentColor"/><circle cx="15" cy="10" r="1.4" fill="currentColor"/><path d="M9 17 h6" stroke=${ACCENT} stroke-width="2" stroke-linecap="round"/>`,
  'too-dark': svg`<path d="M15.5 3.5 A8.5 8.5 0 1 0 20.5 15 A7 7 0 0 1 15.5 3.5 Z" fill=${ACCENT} stroke="currentColor" stroke-width="1.2"/>`,
  'too-bright': svg`<circle cx="12" cy="12" r="4.5" fill=${ACCENT}/><path d="M12 1.5v3M12 19.5v3M1.5 12h3M19.5 12h3M4.6 4.6l2.1 2.1M17.3 17.3l2.1 2.1M4.6 19.4l2.1-2.1M17.3 6.7l2.1-2.1" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"/>`,
  'uneven-lighting': svg`<circle cx="12" cy="12" r="8.5" fill="none" stroke="currentColor" stroke-width="1.6"/><path d="M12 3.5 A8.5 8.5 0 0 0 12 20.5 Z" fill=${ACCENT}/>`,
  'hold-still': svg`<path d="M8 21 v-9 M8 12 V5 a1.3 1.3 0 0 1 2.6 0 v6 V3.5 a1.3 1.3 0 0 1 2.6 0 V11 V4.5 a1.3 1.3 0 0 1 2.6 0 V12 V7.5 a1.3 1.3 0 0 1 2.6 0 V15 q0 6-6 6 h-1 q-3.5 0-5.5-3.5 L3.6 13 a1.4 1.4 0 0 1 2.3-1.5 L8 14" fill="none" stroke=${ACCENT} stroke-width="1.5" stroke-linejoin="round" stroke-linecap="round"/>`,
  'ask-assistance': svg`${person(9)}<circle cx="18.5" cy="6.5" r="4.3" fill=${ACCENT}/><path d="M17.2 5.4 q.2-1.3 1.4-1.3 q1.3 0 1.3 1.2 q0 .9-1.2 1.3 v.6" fill="none" stroke="#000" stroke-width="1.2" stroke-linecap="round"/><circle cx="18.6" cy="9.1" r=".6" fill="#000"/>`,
  'presentation-attack': svg`<rect x="2.5" y="2.5" width="12" height="19" rx="2" fill="none" stroke="currentColor" stroke-width="1.6"/><circle cx="8.5" cy="9.5" r="2.8" fill="none" stroke="currentColor" stroke-width="1.4"/><path d="M4.5 17.5 Q8.5 13 12.5 17.5" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linecap="round"/><path d="M18 8.5 L23 18.5 H13 Z" fill=${ACCENT} stroke=${ACCENT} stroke-width="1.2" stroke-linejoin="round"/><path d="M18 11.8 v3.2" stroke="#000" stroke-width="1.5" stroke-linecap="round"/><circle cx="18" cy="16.9" r=".8" fill="#000"/>`,
};

const FALLBACK = svg`<circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" stroke-width="1.6"/><path d="M12 7 v6" stroke=${ACCENT} stroke-width="2" stroke-linecap="round"/><circle cx="12" cy="16.5" r="1.1" fill=${ACCENT}/>`;

export const isGuidanceId = (id: string): id is GuidanceId => Object.prototype.hasOwnProperty.call(ICONS, id);

/** The icon's SVG content (inside a 0 0 24 24 viewBox); unknown ids get a generic notice icon. */
export function guidanceIcon(id: string): SVGTemplateResult {
  return isGuidanceId(id) ? ICONS[id] : FALLBACK;
}

export const GUIDANCE_ICON_IDS = Object.keys(ICONS) as GuidanceId[];
