import { maskCredentials } from '../../security/mask-credentials.js';

/** Where camera sources report what they skip or lose. Messages name files, never pixels. */
export interface CameraLogger {
  info(message: string): void;
  warn(message: string): void;
}

export const consoleCameraLogger: CameraLogger = {
  info: (message) => console.info(maskCredentials(message)),
  warn: (message) => console.warn(maskCredentials(message)),
};
