// The dashboard's only data source: the JSON API of the same server.

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== null && v !== undefined && v !== "") q.set(k, v);
  }
  const s = q.toString();
  return s ? "?" + s : "";
}

export async function get(path, params) {
  const url = path + query(params);
  const res = await fetch(url, { headers: { Accept: "application/json" } });
  if (!res.ok) {
    let detail = res.statusText;
    let fields = [];
    try {
      const body = await res.json();
      if (typeof body.detail === "string") detail = body.detail;
      else {
        fields = (body.detail || []).map((d) => ({ name: String((d.loc || []).slice(-1)[0]), msg: d.msg, input: d.input }));
        detail = fields.map((f) => `${f.name}: ${f.msg}`).join("; ");
      }
    } catch (_) { /* not JSON: keep the status text */ }
    const err = new Error(`${res.status} ${detail}`);
    err.status = res.status;
    err.fields = fields; // [{name, msg, input}] for a rejected parameter (422)
    throw err;
  }
  return res.json();
}
