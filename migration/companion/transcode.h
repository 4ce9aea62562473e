// Transcode: one Cm message between the legacy library's CmMessage and our
// cm::Message, item by item, exactly (every scalar kind with its full range,
// inf and nan, NULL and empty texts, zero-size bytes, every array kind).
//
// Each side is read and written through its own API only: the legacy
// message with the legacy Get*/GetItemType/Put* functions, ours with
// cm::Message, so nothing depends on how the legacy library lays items out.
#ifndef CM_MIGRATION_COMPANION_TRANSCODE_H
#define CM_MIGRATION_COMPANION_TRANSCODE_H

#include "codec/message.h"
#include "companion/legacy_api.h"
#include "util/status.h"

namespace cm {

// Reads `legacy` from its cursor to its end into `out` (reset first), type
// included.  Fails on an item kind the legacy API should not report.
Status FromLegacy(const LegacyApi& api, CmMessage legacy, Message* out);

// Resets `legacy` and writes `in`'s type and items into it (from the first item).
Status ToLegacy(const LegacyApi& api, Message& in, CmMessage legacy);

}  // namespace cm

#endif
