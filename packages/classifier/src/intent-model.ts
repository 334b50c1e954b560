import stored from "../model/intent-model.json";
import { IntentClassifier, type SerializedModel } from "./model";

export type { Intent } from "./labels";
export { intentLabels } from "./labels";
export type { IntentClassifier, Prediction } from "./model";

let loaded: IntentClassifier | undefined;

/** The trained intent model shipped in the repo (packages/classifier/model), loaded once. */
export function intentClassifier(): IntentClassifier {
  loaded ??= new IntentClassifier(stored as SerializedModel);
  return loaded;
}
