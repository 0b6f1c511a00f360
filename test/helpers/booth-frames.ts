/**
 * A labelled photo of ../shared/faces framed as the booth camera would see the person
 * (`plq evaluate guidance`'s frames): the face alone in a 640x480 frame, with its mesh.
 */
import { HumanFaceDetector } from '../../server/detect/human-detector.js';
import { PhotoMeshes, sharedPhotoBoothFrame, type BoothFrame } from '../../server/evaluation/guidance-frames.js';

const meshes = new PhotoMeshes(() => HumanFaceDetector.create({ maxFaces: 20 }));

/** Face `face` of the shared photo `file` (a path relative to ../shared/faces) in its booth frame. */
export async function boothFrameOf(file: string, face = 0): Promise<BoothFrame & { othersCovered: number }> {
  return sharedPhotoBoothFrame(meshes, file, face);
}
