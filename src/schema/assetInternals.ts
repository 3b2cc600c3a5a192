/**
 * Who worked on an asset and how (versions, history, users, access lists, its checkout) is shown to
 * logged-in users only (seesAssetInternals); to a shared link's holder these fields answer empty, not an error.
 */
export const internalList = { authScopes: { seesAssetInternals: true }, unauthorizedResolver: () => [] } as const;

export const internalOrNull = { authScopes: { seesAssetInternals: true }, unauthorizedResolver: () => null } as const;
