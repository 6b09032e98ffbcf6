/*
 * The verification endpoints' paths (markid-api.md §3–§6), apart from their declarations in
 * endpoints.ts: the credential probe refuses the token path without importing endpoints.ts,
 * whose zod schemas a handler that never calls those endpoints should not build at cold init.
 *
 * Separate constants, not one object: esbuild drops an unused pure `defineEndpoint(...)` only if
 * its arguments are side-effect free, and it counts a property read (`PATHS.token`) as one.
 */
export const TOKEN_PATH = "/api/v2/token";
export const ADD_DUMMY_STATUS_PATH = "/api/v2/add-dummy-status";
export const PROCESS_PATH = "/api/v2/process";
export const STATUS_PATH = "/api/v2/status";
export const DATA_PATH = "/api/v2/data";
export const FILES_PATH = "/api/v2/files";
export const DELETE_PATH = "/api/v2/delete";
