import { describe, expect, it } from "vitest";
import { deriveResponseType, type ToolPatterns } from "../src/response-type";

const defaults: ToolPatterns = { retrievalTools: ["*search*", "*retriev*"], connectorTools: ["*connector*"] };
const base = { isError: false, toolCalls: null, question: "q?", answer: "An answer." };

describe("response type rules", () => {
  it("error flag wins over everything", () => {
    expect(deriveResponseType({ ...base, isError: true, toolCalls: [{ name: "search_catalog" }] }, defaults).responseType).toBe(
      "error",
    );
  });
  it("connector tools → connector_troubleshoot, retrieval tools → rag_answer, none → direct", () => {
    expect(deriveResponseType({ ...base, toolCalls: [{ name: "get_connector_runs" }] }, defaults).responseType).toBe(
      "connector_troubleshoot",
    );
    expect(deriveResponseType({ ...base, toolCalls: [{ name: "Search_Catalog" }] }, defaults).responseType).toBe("rag_answer");
    expect(deriveResponseType(base, defaults).responseType).toBe("direct");
  });
  it("tool names are the tenant's setting", () => {
    const custom: ToolPatterns = { retrievalTools: ["kb_lookup"], connectorTools: [] };
    expect(deriveResponseType({ ...base, toolCalls: [{ name: "kb_lookup" }] }, custom).responseType).toBe("rag_answer");
    expect(deriveResponseType({ ...base, toolCalls: [{ name: "search_catalog" }] }, custom).responseType).toBe("direct");
  });
  it("an answer that gives up, or none at all, is an error", () => {
    expect(deriveResponseType({ ...base, answer: "Sorry, I couldn't find anything about that." }, defaults).responseType).toBe(
      "error",
    );
    expect(deriveResponseType({ ...base, answer: null }, defaults).responseType).toBe("error");
    expect(deriveResponseType({ ...base, answer: null, contentDropped: true }, defaults).responseType).toBe("direct");
  });
});
