import type { StorageContainer } from '@platform/common';
import { pythonLiteral } from './notebook-document';

/** The `version` query parameter the notebooks send to the watsonx routes. */
export const NOTEBOOK_API_VERSION = '2024-05-31';

/** The container query parameters (`project_id` or `space_id`) of the experiment's project or space. */
export function containerQuery(c: StorageContainer): { project_id: string } | { space_id: string } {
  return c.projectId ? { project_id: c.projectId } : { space_id: c.spaceId as string };
}

/**
 * The notebooks' first code cell: a small client of this platform's REST API on Python 3's standard library only.
 * PLATFORM_URL names the platform; PLATFORM_API_KEY is exchanged for a bearer token at `/identity/token` (the IAM
 * API key grant, form-encoded), or PLATFORM_TOKEN is used as the bearer token as it is. Refusals raise with the
 * platform's error envelope.
 */
export function clientCell(container: StorageContainer): string {
  return `import base64
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request

PLATFORM_URL = os.environ.get("PLATFORM_URL", "http://localhost:8080").rstrip("/")
VERSION = ${pythonLiteral(NOTEBOOK_API_VERSION)}
# The experiment's project or space; every request names it.
CONTAINER = ${pythonLiteral(containerQuery(container))}
_token = None


class PlatformError(RuntimeError):
    def __init__(self, method, path, status, body):
        super().__init__(f"{method} {path} answered {status}: {body}")
        self.status = status


def access_token():
    """A bearer token: PLATFORM_TOKEN as it is, or PLATFORM_API_KEY exchanged at /identity/token."""
    global _token
    if _token is None:
        if os.environ.get("PLATFORM_TOKEN"):
            _token = os.environ["PLATFORM_TOKEN"]
        else:
            api_key = os.environ.get("PLATFORM_API_KEY")
            if not api_key:
                raise RuntimeError("Set PLATFORM_API_KEY (an API key of this platform) or PLATFORM_TOKEN (a bearer token).")
            form = urllib.parse.urlencode({"grant_type": "urn:ibm:params:oauth:grant-type:apikey", "apikey": api_key})
            answer = call("POST", "/identity/token", body=form.encode("ascii"), content_type="application/x-www-form-urlencoded", auth=False)
            _token = answer["access_token"]
    return _token


def call(method, path, query=None, body=None, content_type="application/json", headers=None, auth=True, raw=False):
    """One request: JSON in and out (raw=True answers the bytes and their content type)."""
    url = PLATFORM_URL + path
    if query:
        url += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
    data = body if body is None or isinstance(body, (bytes, bytearray)) else json.dumps(body).encode("utf-8")
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", content_type)
    if auth:
        req.add_header("Authorization", "Bearer " + access_token())
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    try:
        with urllib.request.urlopen(req, timeout=600) as res:
            payload = res.read()
            if raw:
                return payload, res.headers.get("Content-Type", "")
            return json.loads(payload) if payload.strip() else None
    except urllib.error.HTTPError as err:
        raise PlatformError(method, path, err.code, err.read().decode("utf-8", "replace")) from None
`;
}
