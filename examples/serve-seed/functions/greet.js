// A viewer-response function that adds a header from its key value store.
import cf from "cloudfront";

const kvs = cf.kvs();

async function handler(event) {
  const response = event.response;
  let greeting = "none";
  try {
    greeting = await kvs.get("greeting");
  } catch (err) {
    // The key is missing: keep the default.
  }
  response.headers["x-greeting"] = { value: greeting };
  return response;
}
