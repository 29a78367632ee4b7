// The REST API (`/v1`). Errors come back as problem details and are thrown as ApiError.

export class ApiError extends Error {
  constructor(problem, status) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.problem = problem;
    this.status = status;
  }
}

async function request(method, path, body) {
  const init = { method, headers: { accept: "application/json" } };
  if (body !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const resp = await fetch(path, init);
  if (resp.status === 204) return null;
  const text = await resp.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { detail: text };
  }
  if (!resp.ok) throw new ApiError(data || {}, resp.status);
  return data;
}

export const enc = (s) => encodeURIComponent(s);

export const api = {
  get: (path) => request("GET", path),
  post: (path, body) => request("POST", path, body === undefined ? {} : body),
  put: (path, body) => request("PUT", path, body),
  del: (path) => request("DELETE", path),

  machines: (cursor) => request("GET", `/v1/state-machines?limit=50${cursor ? `&cursor=${enc(cursor)}` : ""}`),
  machine: (arn) => request("GET", `/v1/state-machines/${enc(arn)}`),
  machineGraph: (arn) => request("GET", `/v1/state-machines/${enc(arn)}/graph`),
  executions: ({ stateMachineArn, status, cursor, limit }) => {
    const q = new URLSearchParams();
    if (stateMachineArn) q.set("stateMachineArn", stateMachineArn);
    if (status) q.set("status", status);
    if (cursor) q.set("cursor", cursor);
    q.set("limit", String(limit || 25));
    return request("GET", `/v1/executions?${q}`);
  },
  execution: (arn) => request("GET", `/v1/executions/${enc(arn)}`),
  executionGraph: (arn, layout) => request("GET", `/v1/executions/${enc(arn)}/graph${layout ? "" : "?layout=false"}`),
  start: (stateMachineArn, name, input) => request("POST", "/v1/executions", { stateMachineArn, name: name || undefined, input }),
  stop: (arn) => request("POST", `/v1/executions/${enc(arn)}/stop`, {}),
  redrive: (arn) => request("POST", `/v1/executions/${enc(arn)}/redrive`, {}),
  validate: (definition) => request("POST", "/v1/validate", { definition }),
  graph: (definition) => request("POST", "/v1/graph", { definition }),
  eventsUrl: (arn) => `/v1/executions/${enc(arn)}/events`,
  schedules: () => request("GET", "/v1/schedules"),
};

/** Links to the UI's pages. */
export const links = {
  machines: () => "/",
  machine: (arn) => `/state-machines/${enc(arn)}`,
  execution: (arn) => `/executions/${enc(arn)}`,
  preview: (arn) => (arn ? `/preview?from=${enc(arn)}` : "/preview"),
};
