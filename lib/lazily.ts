/**
 * A value built on its first use and kept for the container's life. For what costs at load but
 * is needed only once a call comes (zod schemas: building one runs zod's constructors, which
 * bench/cold-init.ts counts in every cold start). A plain closure rather than `z.lazy`, so that
 * nothing of zod runs at load at all.
 */
export function lazily<T>(build: () => T): () => T {
  let built: { readonly value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
