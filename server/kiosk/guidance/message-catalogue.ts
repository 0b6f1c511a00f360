import type { GuidanceId, Language } from './guidance-ids.js';

type Catalogue = Record<GuidanceId, string>;

const en: Catalogue = {
  'no-face': 'Please step in front of the camera',
  'multiple-faces': 'Only one person, please',
  'move-closer': 'Please move closer',
  'step-back': 'Please step back a little',
  'center-face': 'Please centre your face in the oval',
  'look-straight': 'Look straight into the camera',
  'head-level': 'Keep your head level',
  'remove-sunglasses': 'Please remove your sunglasses',
  'remove-glasses': 'Please remove your glasses',
  'remove-headgear': 'Please remove your hat or head covering',
  'uncover-left-eye': 'Please uncover your left eye',
  'uncover-right-eye': 'Please uncover your right eye',
  'uncover-left-cheek': 'Please uncover your left cheek',
  'uncover-right-cheek': 'Please uncover your right cheek',
  'uncover-mouth': 'Please uncover your mouth',
  'open-eyes': 'Please keep your eyes open',
  'close-mouth': 'Please close your mouth, neutral expression',
  'too-dark': 'It is too dark: please step into the light',
  'too-bright': 'It is too bright',
  'uneven-lighting': 'Your face is unevenly lit',
  'hold-still': 'Hold still',
  'ask-assistance': 'Please ask for assistance',
  'presentation-attack': 'Please wait: a member of staff will help you',
};

const de: Catalogue = {
  'no-face': 'Bitte treten Sie vor die Kamera',
  'multiple-faces': 'Bitte nur eine Person',
  'move-closer': 'Bitte kommen Sie näher',
  'step-back': 'Bitte treten Sie etwas zurück',
  'center-face': 'Bitte das Gesicht im Oval zentrieren',
  'look-straight': 'Bitte direkt in die Kamera schauen',
  'head-level': 'Bitte den Kopf gerade halten',
  'remove-sunglasses': 'Bitte nehmen Sie die Sonnenbrille ab',
  'remove-glasses': 'Bitte nehmen Sie die Brille ab',
  'remove-headgear': 'Bitte nehmen Sie die Kopfbedeckung ab',
  'uncover-left-eye': 'Bitte das linke Auge freimachen',
  'uncover-right-eye': 'Bitte das rechte Auge freimachen',
  'uncover-left-cheek': 'Bitte die linke Wange freimachen',
  'uncover-right-cheek': 'Bitte die rechte Wange freimachen',
  'uncover-mouth': 'Bitte den Mund freimachen',
  'open-eyes': 'Bitte die Augen offen halten',
  'close-mouth': 'Bitte den Mund schließen, neutraler Ausdruck',
  'too-dark': 'Zu dunkel: bitte ins Licht treten',
  'too-bright': 'Zu hell',
  'uneven-lighting': 'Ihr Gesicht ist ungleichmäßig beleuchtet',
  'hold-still': 'Bitte still halten',
  'ask-assistance': 'Bitte wenden Sie sich an das Personal',
  'presentation-attack': 'Bitte warten Sie: Das Personal hilft Ihnen gleich',
};

const fr: Catalogue = {
  'no-face': 'Veuillez vous placer devant la caméra',
  'multiple-faces': 'Une seule personne, s’il vous plaît',
  'move-closer': 'Veuillez vous rapprocher',
  'step-back': 'Veuillez reculer un peu',
  'center-face': 'Veuillez centrer votre visage dans l’ovale',
  'look-straight': 'Regardez droit vers la caméra',
  'head-level': 'Gardez la tête droite',
  'remove-sunglasses': 'Veuillez retirer vos lunettes de soleil',
  'remove-glasses': 'Veuillez retirer vos lunettes',
  'remove-headgear': 'Veuillez retirer votre couvre-chef',
  'uncover-left-eye': 'Veuillez dégager votre œil gauche',
  'uncover-right-eye': 'Veuillez dégager votre œil droit',
  'uncover-left-cheek': 'Veuillez dégager votre joue gauche',
  'uncover-right-cheek': 'Veuillez dégager votre joue droite',
  'uncover-mouth': 'Veuillez dégager votre bouche',
  'open-eyes': 'Veuillez garder les yeux ouverts',
  'close-mouth': 'Veuillez fermer la bouche, expression neutre',
  'too-dark': 'Trop sombre : veuillez vous placer dans la lumière',
  'too-bright': 'Trop lumineux',
  'uneven-lighting': 'Votre visage est éclairé de façon inégale',
  'hold-still': 'Ne bougez plus',
  'ask-assistance': 'Veuillez demander de l’aide',
  'presentation-attack': 'Veuillez patienter : un agent va vous aider',
};

export const CATALOGUES: Record<Language, Catalogue> = { en, de, fr };

export function messageText(id: GuidanceId, language: Language): string {
  return CATALOGUES[language][id];
}
