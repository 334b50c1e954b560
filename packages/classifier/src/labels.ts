/** The intents the model predicts (the same values as the event envelope's `intent`). */
export const intentLabels = ["how_to", "troubleshooting", "conceptual", "other"] as const;
export type Intent = (typeof intentLabels)[number];
