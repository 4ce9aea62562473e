// JsonView: the one JSON encoder of what a domain shows -- its names, who
// talks to whom, what a process says about itself, a message's items -- used
// both by `cm ... --json` and by the name server's web view (/api/...), so
// that the two never differ.  Built on nlohmann::ordered_json (the keys in
// the order written: "name" first, as in the tables); not part of libCm-zmq
// (a static library of its own, cmjson: src/json/CMakeLists.txt).
//
// Texts are bytes.  A text that is valid UTF-8 is a JSON string; one that is
// not is an object {"hex": "<its bytes, two lowercase hex digits each>",
// "shown": "<the text with each invalid byte as U+FFFD>"}: nothing is lost
// and a page can still print something (docs/cm.md, "JSON").
#ifndef CM_JSON_JSON_VIEW_H
#define CM_JSON_JSON_VIEW_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "codec/message.h"
#include "naming/name_client.h"
#include "naming/process_info.h"

namespace cm::json {

using Json = nlohmann::ordered_json;

// A text as above.
Json Text(std::string_view bytes);

// `cm names --json`, /api/names: one object per name (now: Unix seconds, for
// the uptime).
Json Names(const std::vector<NameRecord>& names, int64_t now);
// `cm connects --json`, /api/connects.
Json Connects(const std::vector<ConnectRecord>& connects);
// `cm info --json NAME`, /api/info/NAME.
Json Info(const ProcessInfo& info, int64_t now);
// The items of a message from its first one (`cm listen --json`, `cm request --json`).
Json Items(const Message& message);

// One line of JSON: dump() that never throws (the texts are already safe).
std::string Dump(const Json& value);

}  // namespace cm::json

#endif
