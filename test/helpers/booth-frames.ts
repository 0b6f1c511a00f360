/**
 * A labelled photo of ../shared/faces framed as the booth camera would see the person
 * (`plq evaluate guidance`'s frames): the face alone in a 640x480 frame, with its mesh.
 */
import path from 'node:path';
import { HumanFaceDetector } from '../../server/detect/human-detector.js';
import { PhotoMeshes, isolatedBoothFrame, readPhoto, type BoothFrame } from '../../server/evaluation/guidance-frames.js';
import { defaultFacesDir } from '../../server/faceset/shared-faces.js';

const meshes = new PhotoMeshes(() => HumanFaceDetector.create({ maxFaces: 20 }));

/** Face `face` of the shared photo `file` (a path relative to ../shared/faces) in its booth frame. */
export async function boothFrameOf(file: string, face = 0): Promise<BoothFrame> {
  const { bytes, image } = await readPhoto(path.join(defaultFacesDir(), file));
  return isolatedBoothFrame(image, await meshes.faces(bytes), face);
}
