#!/usr/bin/env bash
# The README's "Using it" examples, run in order against a running asset-gateway, each checked.
#
#   ADMIN_PASSWORD=... [ADMIN_USERNAME=admin] [BASE_URL=http://localhost:4000] scripts/try-it.sh
#   scripts/try-it.sh samples [DIR]     only writes the sample files the examples upload, into DIR (default .)
#
# Each block between `run <<'EXAMPLE'` and `EXAMPLE` is, word for word, a block of the README (a test holds
# them equal); what follows a block checks its result. It expects a server on a fresh data folder: a second
# run finds the first one's assets, and stops at the first count they change. Needs curl and node.
set -euo pipefail
SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [ "${1:-}" = samples ]; then
  mkdir -p "${2:-.}"
  node "$SCRIPTS/try-it-samples.mjs" "${2:-.}"
  echo "sample files written to ${2:-.}: notes.txt harbour.png harbour-edited.png chart.png report.pdf report-v2.pdf"
  exit 0
fi

if [ -z "${ADMIN_PASSWORD:-}" ]; then
  echo "try-it: set ADMIN_PASSWORD: the server's at its first start, or the password that start logged" >&2
  exit 2
fi

# shellcheck source=scripts/try-it-checks.sh
source "$SCRIPTS/try-it-checks.sh"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/try-it.XXXXXX")
STEP='making the sample files'
trap finish EXIT
node "$SCRIPTS/try-it-samples.mjs" "$WORK"
cd "$WORK"

#### Before the examples

step 'before the examples: the server, two shell functions'
run <<'EXAMPLE'
BASE_URL=${BASE_URL:-http://localhost:4000}
ADMIN_USERNAME=${ADMIN_USERNAME:-admin}
curl -s "$BASE_URL/healthcheck/live"
# json PATH: the value at PATH (data.login.token, hits.0.id) of the JSON on stdin; fails, showing it, if absent
json() { node -e 'const text = require("fs").readFileSync(0, "utf8"); let value; try { value = JSON.parse(text) } catch {}
  for (const key of process.argv[1].split(".")) value = value?.[key];
  if (value == null) { console.error(`no ${process.argv[1]} in: ${text.slice(0, 1000)}`); process.exit(1) }
  console.log(typeof value === "string" ? value : JSON.stringify(value))' "$1"; }
# gql DOCUMENT [NAME=VALUE ...]: one GraphQL request as the user of $TOKEN, each NAME=VALUE a string variable
gql() { node -e 'const [query, ...pairs] = process.argv.slice(1); const variables = {};
  for (const pair of pairs) variables[pair.slice(0, pair.indexOf("="))] = pair.slice(pair.indexOf("=") + 1);
  console.log(JSON.stringify({ query, variables }))' "$@" |
  curl -s "$BASE_URL/graphql" -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' --data-binary @- -w '\n'; }
IN_A_WEEK=$(node -e 'console.log(new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString())')
EXAMPLE
expect_output '{"status":"ok"}'

#### GraphQL

step 'GraphQL: log in'
run <<'EXAMPLE'
curl -s "$BASE_URL/graphql" -H 'content-type: application/json' \
  -d '{"query":"mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token csrfToken user { id role } } }",
       "variables":{"u":"'"$ADMIN_USERNAME"'","p":"'"$ADMIN_PASSWORD"'"}}'
EXAMPLE
expect_json data.login.user.role ADMIN

step 'GraphQL: a long-lived API token for scripts'
run <<'EXAMPLE'
TOKEN=$(curl -s "$BASE_URL/graphql" -H 'content-type: application/json' \
  -d '{"query":"mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }","variables":{"u":"'"$ADMIN_USERNAME"'","p":"'"$ADMIN_PASSWORD"'"}}' \
  | json data.login.token)
TOKEN=$(gql 'mutation { createApiToken(name: "nightly import") { token } }' | json data.createApiToken.token)
gql '{ viewer { username role } }'
EXAMPLE
expect_json data.viewer.role ADMIN

step 'GraphQL: upload a file'
run <<'EXAMPLE'
ID=$(curl -s "$BASE_URL/graphql" -H "Authorization: Bearer $TOKEN" -H 'apollo-require-preflight: true' \
  -F operations='{"query":"mutation($file: Upload!, $input: UploadAssetInput) { uploadAsset(file: $file, input: $input) { id name state sha256 fileUrl } }","variables":{"file":null,"input":{"folderPath":"/Photos","metadata":{"title":"Harbour at dawn","tags":["harbour"]}}}}' \
  -F map='{"0":["variables.file"]}' \
  -F 0=@harbour.png | json data.uploadAsset.id)
# the same without input: the file lands in the root folder, /
NOTES=$(curl -s "$BASE_URL/graphql" -H "Authorization: Bearer $TOKEN" -H 'apollo-require-preflight: true' \
  -F operations='{"query":"mutation($file: Upload!) { uploadAsset(file: $file) { id } }","variables":{"file":null}}' \
  -F map='{"0":["variables.file"]}' -F 0=@notes.txt | json data.uploadAsset.id)
gql 'query($id: ID!) { asset(id: $id) { name assetPath state } }' id="$ID"
EXAMPLE
expect_set ID
expect_set NOTES
expect_json data.asset.assetPath /Photos/harbour.png
wait_until "the upload to be scanned (UPLOADED)" is_uploaded "$ID"

step 'GraphQL: query'
run <<'EXAMPLE'
gql '{ assets(first: 10, folderPath: "/Photos", query: "tags:harbour name:*.png", sort: "name-asc") {
  totalCount edges { node { id name size state createdBy { username } history { action at } } } pageInfo { hasNextPage endCursor } } }'
EXAMPLE
expect_json data.assets.totalCount 1
expect_json data.assets.edges.0.node.id "$ID"

step 'GraphQL: rename, change metadata'
run <<'EXAMPLE'
gql 'mutation($id: ID!) { updateAsset(id: $id, input: { name: "harbour-dawn.png", metadata: { title: "Dawn" } }) { assetPath metadata } }' id="$ID"
EXAMPLE
expect_json data.updateAsset.assetPath /Photos/harbour-dawn.png
expect_json data.updateAsset.metadata.title Dawn

step 'GraphQL: search with facets'
run <<'EXAMPLE'
gql '{ assets(query: "harbour", facets: ["assetDomain", "tags"], facetSelection: [{ field: "assetDomain", values: ["image"] }]) {
  totalCount facets { field values { value hitCount selected } } edges { node { name assetPath } } } }'
EXAMPLE
expect_json data.assets.totalCount 1
expect_json data.assets.edges.0.node.name harbour-dawn.png

step 'GraphQL: folders'
run <<'EXAMPLE'
gql 'mutation { createFolder(path: "/Photos/2026") { path status } }'            # CREATED or ALREADY_EXISTS
gql 'mutation { moveFolder(from: "/Photos/2026", to: "/Archive/2026") { path } }'
gql 'mutation { copyFolder(from: "/Archive/2026", to: "/Press/2026") { path } }'  # copies share the stored bytes
gql 'mutation { removeFolder(path: "/Press/2026") }'                              # soft: the assets can be restored
gql '{ folder(path: "/Archive") { folders { path } } }'
gql 'mutation { updateFolderMetadata(path: "/Archive", metadata: { owner: "desk" }) { path metadata } }'  # null removes
EXAMPLE
expect_json data.updateFolderMetadata.metadata.owner desk
expect_in_output '"status":"CREATED"'
expect_in_output '{"folders":[{"path":"/Archive/2026"}]}'

step 'GraphQL: collections and relations'
run <<'EXAMPLE'
COLLECTION=$(gql 'mutation { createCollection(input: { name: "Best of", folderPath: "/Collections" }) { id } }' | json data.createCollection.id)
gql 'mutation($c: ID!, $id: ID!) { addToCollection(collectionId: $c, assetIds: [$id]) }' c="$COLLECTION" id="$ID"
RELATION=$(gql 'mutation($a: ID!, $b: ID!) { createRelation(input: { relationType: "related", target1Id: $a, target2Id: $b }) { id } }' \
  a="$ID" b="$NOTES" | json data.createRelation.id)
gql 'mutation($r: ID!) { removeRelations(ids: [$r]) { processedCount errorCount } }' r="$RELATION"
EXAMPLE
expect_in_output '"addToCollection":1'
expect_json data.removeRelations.processedCount 1

step 'GraphQL: check out, check in'
run <<'EXAMPLE'
gql 'mutation($id: ID!) { checkout(assetId: $id, client: "photoshop") { checkedOut checkedOutBy checkedOutOnClient } }' id="$ID"
curl -s "$BASE_URL/graphql" -H "Authorization: Bearer $TOKEN" -H 'apollo-require-preflight: true' \
  -F operations='{"query":"mutation($file: Upload!, $id: ID!) { checkin(assetId: $id, file: $file) { name versionNumber state checkout { checkedOutBy } } }","variables":{"file":null,"id":"'"$ID"'"}}' \
  -F map='{"0":["variables.file"]}' -F 0=@harbour-edited.png
EXAMPLE
expect_in_output '"checkedOutBy":"admin","checkedOutOnClient":"photoshop"'
expect_in_output '"versionNumber":2'
expect_in_output '"checkout":null'
wait_until "the checked-in file to be scanned (UPLOADED)" is_uploaded "$ID"

step 'GraphQL: share with a link'
run <<'EXAMPLE'
KEY=$(gql 'mutation($id: ID!, $until: DateTime!) { createAuthKey(input: { subject: "Harbour shoot", validUntil: $until, assetIds: [$id], downloadOriginal: true }) { key webClientUrl } }' \
  id="$ID" until="$IN_A_WEEK" | json data.createAuthKey.key)
# whoever holds the key, with no login
curl -s "$BASE_URL/graphql" -H 'content-type: application/json' \
  -d '{"query":"query($key: String!) { sharedLink(key: $key) { subject validUntil assets { name size fileUrl } } }","variables":{"key":"'"$KEY"'"}}'
EXAMPLE
expect_json data.sharedLink.subject 'Harbour shoot'
expect_json data.sharedLink.assets.0.name harbour-dawn.png

#### GOV.UK Asset Manager

step 'GOV.UK: create a draft'
run <<'EXAMPLE'
REPORT=$(curl -s "$BASE_URL/assets" -H "Authorization: Bearer $TOKEN" -F "asset[file]=@report.pdf" -F "asset[draft]=true" | json id)
REPORT=${REPORT##*/}   # "id" is the asset's URL, /assets/<id>
curl -s "$BASE_URL/assets/$REPORT" -H "Authorization: Bearer $TOKEN"
EXAMPLE
expect_json name report.pdf
expect_json draft true
wait_until "the report to be scanned (UPLOADED)" is_uploaded "$REPORT"

step 'GOV.UK: a draft, downloaded with a shared link'
run <<'EXAMPLE'
DRAFT_KEY=$(gql 'mutation($id: ID!, $until: DateTime!) { createAuthKey(input: { subject: "Report draft", validUntil: $until, assetIds: [$id], downloadOriginal: true }) { key } }' \
  id="$REPORT" until="$IN_A_WEEK" | json data.createAuthKey.key)
curl -s -o draft.pdf -w '%{http_code}\n' "$BASE_URL/media/$REPORT/report.pdf?authKey=$DRAFT_KEY"
curl -s -o /dev/null -w '%{http_code}\n' "$BASE_URL/media/$REPORT/report.pdf"
EXAMPLE
expect_output $'200\n401'
expect_same_file draft.pdf report.pdf

step 'GOV.UK: replace the file, publish, delete, restore'
run <<'EXAMPLE'
curl -s -X PUT "$BASE_URL/assets/$REPORT" -H "Authorization: Bearer $TOKEN" -F "asset[file]=@report-v2.pdf" -w '\n'
curl -s -X PATCH "$BASE_URL/assets/$REPORT" -H "Authorization: Bearer $TOKEN" -F "asset[draft]=false" -w '\n'
curl -s -X DELETE "$BASE_URL/assets/$REPORT" -H "Authorization: Bearer $TOKEN" -w '\n'
curl -s -X POST "$BASE_URL/assets/$REPORT/restore" -H "Authorization: Bearer $TOKEN"
EXAMPLE
expect_in_output '"name":"report-v2.pdf"'
expect_in_output '"draft":false,"deleted":true'
expect_json deleted false
wait_until "the replaced report to be scanned (UPLOADED)" is_uploaded "$REPORT"

step 'GOV.UK: a Whitehall asset at a legacy path'
run <<'EXAMPLE'
curl -s "$BASE_URL/whitehall_assets" -H "Authorization: Bearer $TOKEN" \
  -F "asset[file]=@chart.png" -F "asset[legacy_url_path]=/government/uploads/system/chart.png"
EXAMPLE
expect_json name chart.png
CHART=$(tail -n 1 <<< "$OUT" | json id)
wait_until "the chart to be scanned (UPLOADED)" is_uploaded "${CHART##*/}"

step 'GOV.UK: downloads'
run <<'EXAMPLE'
curl -s -o report-download.pdf "$BASE_URL/media/$REPORT/report-v2.pdf"
curl -s -H 'Range: bytes=0-99' "$BASE_URL/media/$REPORT/report-v2.pdf" | wc -c
# the file's earlier name redirects to its current one
curl -s -o /dev/null -w '%{http_code} %{redirect_url}\n' "$BASE_URL/media/$REPORT/report.pdf"
curl -s -o chart-download.png "$BASE_URL/government/uploads/system/chart.png"
EXAMPLE
expect_same_file report-download.pdf report-v2.pdf
expect_same_file chart-download.png chart.png
expect_in_output "302 "
expect_in_output "/media/$REPORT/report-v2.pdf"
[ "$(head -n 1 <<< "$OUT" | tr -d ' ')" = 100 ] || fail "expected the range of 100 bytes, got $(head -n 1 <<< "$OUT")"

#### WoodWing Assets

step 'WoodWing: log in'
run <<'EXAMPLE'
# a cookie session with a csrf token (browsers)...
CSRF=$(curl -s -c cookies.txt -X POST "$BASE_URL/services/login" \
  -d "username=$ADMIN_USERNAME" --data-urlencode "password=$ADMIN_PASSWORD" | json csrfToken)
# ...or an API login whose token is a Bearer token, no csrf needed (scripts)
WW=$(curl -s -X POST "$BASE_URL/services/apilogin" \
  -d "username=$ADMIN_USERNAME" --data-urlencode "password=$ADMIN_PASSWORD" -d clientId=my-script | json authToken)
curl -s "$BASE_URL/services/profile" -H "Authorization: Bearer $WW"
EXAMPLE
expect_set CSRF
expect_json username "$ADMIN_USERNAME"

step 'WoodWing: search'
run <<'EXAMPLE'
# GET or POST; q is the search language above, with facets
curl -s "$BASE_URL/services/search?q=harbour&num=10&facets=assetDomain" -H "Authorization: Bearer $WW"
EXAMPLE
expect_json totalHits 1
expect_json hits.0.id "$ID"

step 'WoodWing: upload, change metadata'
run <<'EXAMPLE'
# Filedata, with metadata as JSON or as field=value
WWID=$(curl -s -X POST "$BASE_URL/services/create" -H "Authorization: Bearer $WW" \
  -F Filedata=@harbour.png -F folderPath=/Photos -F 'metadata={"tags":["sea"]}' -F headline=Harbour | json id)
# +tag / -tag edit a list; a + must reach the server as %2B, which --data-urlencode sends, not as a space
curl -s -X POST "$BASE_URL/services/update" -H "Authorization: Bearer $WW" -d "id=$WWID" --data-urlencode tags=+boats -w '\n'
EXAMPLE
expect_json metadata.tags '["sea","boats"]'
expect_json metadata.headline Harbour

step 'WoodWing: check out, undo it'
run <<'EXAMPLE'
# (update with Filedata from the holder of the checkout is a check-in)
curl -s -X POST "$BASE_URL/services/checkout/$WWID" -H "Authorization: Bearer $WW" -w '\n'
curl -s -X POST "$BASE_URL/services/undocheckout/$WWID" -H "Authorization: Bearer $WW"
EXAMPLE
expect_in_output '"checkedOutBy":"admin","checkedOutOnClient":"my-script"'
expect_last_line '{}'

step 'WoodWing: share'
run <<'EXAMPLE'
# validUntil as epoch ms, YYYY-MM-DD, ISO-8601 or date math (NOW%2B7DAYS in a form)
curl -s -X POST "$BASE_URL/services/createAuthKey" -H "Authorization: Bearer $WW" \
  -d subject=Press -d validUntil=NOW%2B7DAYS -d "assetIds=$WWID" -d downloadOriginal=true
EXAMPLE
expect_json authKey
expect_in_output '"webClientUrl":'

step 'WoodWing: the cookie session'
run <<'EXAMPLE'
# under the cookie session, every POST carries the csrf token from login
curl -s -b cookies.txt -X POST "$BASE_URL/services/checkout/$WWID" -H "X-CSRF-TOKEN: $CSRF" -w '\n'
curl -s -b cookies.txt -X POST "$BASE_URL/services/undocheckout/$WWID" -H "X-CSRF-TOKEN: $CSRF"
EXAMPLE
expect_in_output '"checkedOutBy":"admin","checkedOutOnClient":"api"'
expect_last_line '{}'

step 'WoodWing: many assets at once, move, copy'
run <<'EXAMPLE'
# one metadata change on every asset a query finds: {"processedCount":2,"errorCount":0}
curl -s -X POST "$BASE_URL/services/updatebulk" -H "Authorization: Bearer $WW" \
  --data-urlencode 'q=folderPath:"/Photos"' --data-urlencode tags=+archive -w '\n'
# move or rename an asset or a folder (copy takes the same parameters)
curl -s -X POST "$BASE_URL/services/move" -H "Authorization: Bearer $WW" \
  -d source=/Photos/harbour.png -d target=/Archive/harbour.png -d fileReplacePolicy=THROW_EXCEPTION -w '\n'
# in the background: {"processId":"..."}, then ask how it is doing (or stop it with process/cancel)
PROCESS=$(curl -s -X POST "$BASE_URL/services/copy" -H "Authorization: Bearer $WW" \
  -d source=/Photos -d target=/Photos-2026 -d async=true | json processId)
curl -s -X POST "$BASE_URL/services/process/info" -H "Authorization: Bearer $WW" -d "processId=$PROCESS"
EXAMPLE
expect_in_output '{"processedCount":2,"errorCount":0}'
expect_in_output '{"processedCount":1,"errorCount":0}'
expect_set PROCESS
wait_until "the copy to complete" is_completed "$PROCESS"

step 'WoodWing: a zip of a folder'
run <<'EXAMPLE'
curl -s -o photos.zip "$BASE_URL/zip/photos.zip?folderPath=/Photos&downloadKind=original" -H "Authorization: Bearer $WW"
EXAMPLE
grep -q -a 'harbour-dawn.png' photos.zip || fail "expected harbour-dawn.png in photos.zip"
[ "$(head -c 2 photos.zip)" = PK ] || fail "expected photos.zip to be a zip"

step 'WoodWing: the v2 folder API'
run <<'EXAMPLE'
curl -s -X POST "$BASE_URL/api/folder" -H "Authorization: Bearer $WW" \
  -H 'content-type: application/json' -d '{"path": "/Photos/2026", "metadata": {"owner": "desk"}}' -w '\n'
curl -s "$BASE_URL/api/folder/get?path=/Photos/2026" -H "Authorization: Bearer $WW"
EXAMPLE
expect_json path /Photos/2026
expect_json metadata.owner desk

#### Renditions

step 'thumbnails, previews, download presets'
wait_until "the thumbnail to be made" is_served "$BASE_URL/thumbnail/$ID/*/harbour-dawn.png" -H "Authorization: Bearer $TOKEN"
run <<'EXAMPLE'
curl -s "$BASE_URL/thumbnail/$ID/*/harbour-dawn.png" -H "Authorization: Bearer $TOKEN" -o thumb.jpg
curl -s "$BASE_URL/preview/$ID/*/harbour-dawn.png?size=800" -H "Authorization: Bearer $TOKEN" -o p800.jpg
curl -s -X POST "$BASE_URL/services/renditionpreset/save" -H "Authorization: Bearer $WW" \
  -H 'content-type: application/json' \
  -d '{"name": "Web 1200", "renditionSettings": {"format": "webp", "maxWidth": 1200, "quality": 80, "resizeMode": "scale"}}'
EXAMPLE
expect_json name 'Web 1200'
[ "$(head -c 3 thumb.jpg | od -An -tx1 | tr -d ' ')" = ffd8ff ] || fail "expected thumb.jpg to be a JPEG"
[ "$(head -c 3 p800.jpg | od -An -tx1 | tr -d ' ')" = ffd8ff ] || fail "expected p800.jpg to be a JPEG"

#### Subscriptions

step 'watch an asset change'
run <<'EXAMPLE'
# watch for at most 30 s (without --max-time: until Ctrl-C), change the asset, and see the event arrive
curl -s -N --max-time 30 "$BASE_URL/graphql" -H "Authorization: Bearer $TOKEN" -H 'accept: text/event-stream' \
  -H 'content-type: application/json' -d '{"query":"subscription { assetChanged { id name metadata } }"}' > events.txt &
while kill -0 $! 2>/dev/null && [ ! -s events.txt ]; do sleep 0.1; done  # open: a stream starts with ":"
gql 'mutation($id: ID!) { updateAsset(id: $id, input: { metadata: { status: "watched" } }) { id } }' id="$ID" > /dev/null
while kill -0 $! 2>/dev/null && ! grep -q watched events.txt; do sleep 0.1; done
kill $! 2>/dev/null || true
cat events.txt
EXAMPLE
expect_in_output "\"id\":\"$ID\""
expect_in_output '"status":"watched"'

echo
echo "try-it: all examples ran against $BASE_URL"
