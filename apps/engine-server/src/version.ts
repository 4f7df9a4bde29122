/** Reported by `GET /version` and TGI's `GET /info`. */
export const ENGINE_SERVER_VERSION = '0.1.0';
