import type { AssetView } from '../../db/entities/Asset.js';
import { publicPathOf } from '../../resolvers/folders/paths.js';

export type ResponseStatus = 'created' | 'ok' | 'success';

/**
 * GOV.UK Asset Manager's AssetPresenter (reference section 3), key for key and in its order: optional keys
 * only when set, `id` a full URL on the host the client asked, `file_url` on the public URL.
 */
export function presentAsset(asset: AssetView, status: ResponseStatus, requestOrigin: string, publicUrl: string) {
  return {
    _response_info: { status },
    id: `${requestOrigin}/assets/${asset.id}`,
    name: asset.name,
    content_type: asset.contentType,
    size: asset.size,
    file_url: `${publicUrl}${publicPathOf(asset)}`,
    state: asset.state.toLowerCase(),
    draft: asset.draft,
    deleted: asset.deletedAt != null,
    ...(asset.redirectUrl ? { redirect_url: asset.redirectUrl } : {}),
    ...(asset.replacement ? { replacement_id: asset.replacement.id } : {}),
    ...(asset.parentDocumentUrl ? { parent_document_url: asset.parentDocumentUrl } : {}),
  };
}
