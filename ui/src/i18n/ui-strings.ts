/** The UI's own words (guidance texts come from the server's catalogues). */
import type { Language } from '../protocol.js';

export interface UiStrings {
  languageName: string;
  searching: string;
  adjusting: string;
  holding: string;
  takingPhoto: string;
  captured: string;
  cameraLost: string;
  reconnecting: string;
  connecting: string;
  quality: string;
  qualityMap: string;
  accept: string;
  retake: string;
  thanks: string;
  idleTitle: string;
  idleBody: string;
  yourPhoto: string;
  language: string;
  speech: string;
  allGood: string;
}

const STRINGS: Record<Language, UiStrings> = {
  en: {
    languageName: 'English',
    searching: 'Looking for your face',
    adjusting: 'Almost there',
    holding: 'Hold still',
    takingPhoto: 'Taking your photo…',
    captured: 'Photo taken',
    cameraLost: 'Camera unavailable — please wait',
    reconnecting: 'Reconnecting…',
    connecting: 'Connecting…',
    quality: 'Quality',
    qualityMap: 'Quality map',
    accept: 'Accept',
    retake: 'Retake',
    thanks: 'Thank you!',
    idleTitle: 'Face photo',
    idleBody: 'Step in front of the camera to start',
    yourPhoto: 'Your photo',
    language: 'Language',
    speech: 'Voice',
    allGood: 'Looks good',
  },
  de: {
    languageName: 'Deutsch',
    searching: 'Gesicht wird gesucht',
    adjusting: 'Fast geschafft',
    holding: 'Bitte still halten',
    takingPhoto: 'Foto wird aufgenommen…',
    captured: 'Foto aufgenommen',
    cameraLost: 'Kamera nicht verfügbar — bitte warten',
    reconnecting: 'Verbindung wird wiederhergestellt…',
    connecting: 'Verbinde…',
    quality: 'Qualität',
    qualityMap: 'Qualitätskarte',
    accept: 'Übernehmen',
    retake: 'Neu aufnehmen',
    thanks: 'Vielen Dank!',
    idleTitle: 'Gesichtsfoto',
    idleBody: 'Treten Sie vor die Kamera, um zu beginnen',
    yourPhoto: 'Ihr Foto',
    language: 'Sprache',
    speech: 'Sprachausgabe',
    allGood: 'Sieht gut aus',
  },
  fr: {
    languageName: 'Français',
    searching: 'Recherche de votre visage',
    adjusting: 'Presque terminé',
    holding: 'Ne bougez plus',
    takingPhoto: 'Prise de la photo…',
    captured: 'Photo prise',
    cameraLost: 'Caméra indisponible — veuillez patienter',
    reconnecting: 'Reconnexion…',
    connecting: 'Connexion…',
    quality: 'Qualité',
    qualityMap: 'Carte de qualité',
    accept: 'Accepter',
    retake: 'Reprendre',
    thanks: 'Merci !',
    idleTitle: 'Photo d’identité',
    idleBody: 'Placez-vous devant la caméra pour commencer',
    yourPhoto: 'Votre photo',
    language: 'Langue',
    speech: 'Voix',
    allGood: 'C’est bien',
  },
};

export const uiStrings = (language: Language): UiStrings => STRINGS[language] ?? STRINGS.en;
