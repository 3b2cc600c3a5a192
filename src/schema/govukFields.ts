import type { InputFieldBuilder, SchemaTypes } from '@pothos/core';

/** The GOV.UK Asset Manager fields that both UploadAssetInput and UpdateAssetInput carry. */
export function govukInputFields<Types extends SchemaTypes>(t: InputFieldBuilder<Types, 'InputObject'>) {
  return {
    draft: t.boolean(),
    redirectUrl: t.string(),
    replacementId: t.id(),
    parentDocumentUrl: t.string(),
    accessLimitedUserIds: t.stringList(),
    accessLimitedOrganisationIds: t.stringList(),
    authBypassIds: t.stringList(),
  };
}
