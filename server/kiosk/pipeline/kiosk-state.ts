export type KioskState = 'searching' | 'adjusting' | 'holding' | 'captured' | 'camera-lost';
