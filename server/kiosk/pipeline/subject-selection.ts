/**
 * Which face is the subject when the camera sees several (a group, people queueing behind, a
 * face on a poster): the largest, most central one. Pure; used by the tracker worker on every
 * frame, so the subject is `faces[0]` of every tracking result.
 *
 * score = size * exp(-d^2 / (2 * centreSigma^2))
 *   size: the face box height relative to the frame height;
 *   d: distance of the box centre to the frame centre, in frame heights (so the weight does not
 *      depend on the aspect ratio).
 * With the default sigma 0.35 a face at the frame's edge (d = 0.5 on a 4:3 frame, sideways) keeps
 * 36 % of its size as score: a face must be about three times larger at the edge than in the
 * centre to be taken for the subject.
 *
 * A face "competes" with the subject when its box height is at least `multipleFacesRatio` of the
 * subject's: then the kiosk cannot tell who is being photographed and says `multiple-faces`
 * (SingleFacePresent fails). Smaller faces (people far behind) are ignored.
 */
export interface SubjectSelectionOptions {
  /** Gaussian centre weight, in frame heights (default 0.35). */
  centreSigma: number;
  /** Another face this size relative to the subject (box height) or larger competes (default 0.7). */
  multipleFacesRatio: number;
}

export const DEFAULT_SUBJECT_SELECTION: Readonly<SubjectSelectionOptions> = Object.freeze({ centreSigma: 0.35, multipleFacesRatio: 0.7 });

export interface BoxedFace {
  /** [x, y, w, h] in frame pixels. */
  box: readonly [number, number, number, number] | readonly number[];
}

export interface SubjectSelection {
  /** Face indices, the subject first, then by decreasing score. Empty with no faces. */
  order: number[];
  /** Score of each face (input order). */
  scores: number[];
  /** Other faces whose size is at least `multipleFacesRatio` of the subject's. */
  competing: number;
}

export function subjectScore(face: BoxedFace, frame: { width: number; height: number }, centreSigma: number): number {
  const [x, y, w, h] = face.box;
  const size = h / frame.height;
  const dx = (x + w / 2 - frame.width / 2) / frame.height;
  const dy = (y + h / 2 - frame.height / 2) / frame.height;
  return size * Math.exp(-(dx * dx + dy * dy) / (2 * centreSigma * centreSigma));
}

export function selectSubject(
  faces: readonly BoxedFace[],
  frame: { width: number; height: number },
  options: SubjectSelectionOptions = DEFAULT_SUBJECT_SELECTION,
): SubjectSelection {
  const scores = faces.map((f) => subjectScore(f, frame, options.centreSigma));
  const order = faces.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  if (order.length === 0) return { order, scores, competing: 0 };
  const subjectHeight = faces[order[0]].box[3];
  const competing = order.slice(1).filter((i) => faces[i].box[3] >= options.multipleFacesRatio * subjectHeight).length;
  return { order, scores, competing };
}
