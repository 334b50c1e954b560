// `pnpm bench ingest`'s 100-event probe, on a thread of its own: a small client is another system than
// the bulk loaders, so its timings must not include their event loop's work (parsing their 500-event
// answers, encoding their bodies), only the server's and the machine's. Plain JavaScript: a worker
// thread does not get tsx's loader. Posts back each request's latency and Server-Timing header.
const { parentPort, workerData } = require("node:worker_threads");

const { url, key, bodies, until } = workerData;

async function post(body, attempt = 0) {
  try {
    const res = await fetch(`${url}/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body,
    });
    await res.arrayBuffer();
    return { status: res.status, timing: res.headers.get("server-timing") };
  } catch (error) {
    // A kept-alive socket the server closed while idle: retry once on a fresh one (ids make it safe).
    if (attempt === 0) return post(body, 1);
    throw error;
  }
}

(async () => {
  const samples = [];
  for (let i = 0; i < bodies.length && Date.now() < until - 200; i++) {
    const started = performance.now();
    const r = await post(bodies[i]);
    samples.push({ ms: performance.now() - started, status: r.status, timing: r.timing });
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  parentPort.postMessage(samples);
})();
