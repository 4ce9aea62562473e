// HttpAssets: the web view's page (web/: index.html, app.js, style.css),
// built by npm and esbuild at build time and embedded in CmNameServer
// (http_embed.cmake writes them into http_assets_data.cpp), so the daemon
// needs no files and no network at run time.  Built without npm, there are
// none: the JSON API and /metrics are still served.
#ifndef CM_NAMESERVER_HTTP_ASSETS_H
#define CM_NAMESERVER_HTTP_ASSETS_H

#include <cstddef>
#include <string_view>

namespace cm {

struct HttpAsset {
  const char* path;  // "/index.html", "/app.js", ...
  const unsigned char* data;
  size_t size;
  std::string_view body() const { return {reinterpret_cast<const char*>(data), size}; }
};

// The file at `path` ("/" is "/index.html"), or nullptr.
const HttpAsset* FindHttpAsset(std::string_view path);
// Its Content-Type, from its extension.
const char* HttpContentType(std::string_view path);

// Defined in the generated http_assets_data.cpp.
extern const HttpAsset kHttpAssets[];
extern const size_t kHttpAssetCount;

}  // namespace cm

#endif
